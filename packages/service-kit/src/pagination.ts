import { refuse } from './refusal';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** Opaque cursors: base64url JSON of the sort key, so clients cannot depend on their shape. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): unknown[] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key)) return key;
  } catch {
    // fall through to the client error below
  }
  throw refuse.badInput(
    'The `after` cursor is not one this API issued; pass endCursor from a previous page.',
  );
}

/** `first` between 1 and max (default 20); anything else is a clear client error. */
export function clampPageSize(first: number | null | undefined, max = 100, fallback = 20): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw refuse.badInput(`first must be between 1 and ${max}, got ${first}`);
  }
  return first;
}
