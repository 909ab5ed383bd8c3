/** Where the bench reports progress, one line at a time. */
export type Log = (line: string) => void;
