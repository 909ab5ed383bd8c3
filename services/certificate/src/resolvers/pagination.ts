import {
  badUserInput,
  clampPageSize,
  decodeCursor,
  encodeCursor,
  type PageArgs,
} from '@iso20000/service-kit';

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export const MAX_PAGE_SIZE = 100;

/** Keyset page from rows fetched with LIMIT first + 1. */
export function connectionOf<T>(rows: T[], first: number, keyOf: (row: T) => unknown[]): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}

/** Pages a short list already loaded in order (a candidate's certificates, a certificate's orders). */
export function pageInMemory<T extends { id: string }>(items: T[], args: PageArgs): Connection<T> {
  const first = clampPageSize(args.first, MAX_PAGE_SIZE);
  let start = 0;
  if (args.after) {
    const [id] = decodeCursor(args.after);
    const at = items.findIndex((item) => item.id === id);
    start = at < 0 ? items.length : at + 1;
  }
  return connectionOf(items.slice(start, start + first + 1), first, (item) => [item.id]);
}

/** Reads a keyset cursor of [timestamp-or-date string, id]. */
export function keysetAfter(after: string | null | undefined): { at: string; id: string } | null {
  if (!after) return null;
  const [at, id] = decodeCursor(after);
  if (typeof at !== 'string' || typeof id !== 'string') {
    throw badUserInput('The `after` cursor is not one this API issued; pass endCursor from a previous page.');
  }
  return { at, id };
}
