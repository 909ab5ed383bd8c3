import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { clampPageSize, decodeCursor, encodeCursor, type PageArgs } from './pagination';
import { isUuid } from './ids';
import { refuse } from './refusal';

/** A Relay connection, as every list of the API answers. */
export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface PageSize {
  /** Largest `first` accepted (default 100). */
  max?: number;
  /** `first` when the client gives none (default 20). */
  fallback?: number;
}

/**
 * The page from rows fetched with LIMIT first + 1: the extra row only says there is more, so
 * `hasNextPage` is never false while more rows exist.
 */
export function toConnection<T>(rows: T[], first: number, keyOf: (row: T) => unknown[]): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}

/** One column of a keyset sort: how to compare it in SQL and how to read it from a row. */
export interface KeysetColumn<T> {
  /** Quoted SQL column, e.g. `"s"."registered_at"`. */
  sql: string;
  /** PostgreSQL type the cursor value is cast to, e.g. `timestamptz`. */
  cast: string;
  /** Query-builder path for ORDER BY, e.g. `s.registeredAt`. */
  orderBy: string;
  value: (row: T) => string;
}

const FOREIGN_CURSOR =
  'The `after` cursor is not one this list issued; pass endCursor from a previous page of the same list.';

/**
 * Keyset pagination: rows after the cursor in ascending key order, one statement, served by the
 * index on the key columns.
 */
export async function paginate<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  columns: KeysetColumn<T>[],
  args: PageArgs,
  size: PageSize = {},
): Promise<Connection<T>> {
  const first = clampPageSize(args.first, size.max, size.fallback);
  const key = keyAfter(columns, args.after);
  if (key) {
    const left = columns.map((c) => c.sql).join(', ');
    const right = columns.map((c, i) => `CAST(:cursor${i} AS ${c.cast})`).join(', ');
    qb.andWhere(`(${left}) > (${right})`, Object.fromEntries(key.map((v, i) => [`cursor${i}`, v])));
  }
  columns.forEach((c, i) => (i === 0 ? qb.orderBy(c.orderBy, 'ASC') : qb.addOrderBy(c.orderBy, 'ASC')));
  const rows = await qb.take(first + 1).getMany();
  return toConnection(rows, first, (row) => columns.map((c) => c.value(row)));
}

/** An `after` cursor's key, each part checked against its column's type, so a forged cursor never fails as a SQL cast. */
export function keyAfter<T>(columns: KeysetColumn<T>[], after: string | null | undefined): string[] | null {
  return decodeCursorAs(
    after,
    columns.map((c) => cursorPartOf(c.cast)),
  );
}

/** Pages a short list already loaded in order (a candidate's certificates, a certificate's orders). */
export function pageInMemory<T extends { id: string }>(
  items: T[],
  args: PageArgs,
  size: PageSize = {},
): Connection<T> {
  const first = clampPageSize(args.first, size.max, size.fallback);
  let start = 0;
  const key = decodeCursorAs(args.after, ['string']);
  if (key) {
    const at = items.findIndex((item) => item.id === key[0]);
    start = at < 0 ? items.length : at + 1;
  }
  return toConnection(items.slice(start, start + first + 1), first, (item) => [item.id]);
}

/** The cursor part a column of this PostgreSQL type holds. */
function cursorPartOf(cast: string): CursorPart {
  const type = cast.trim().toLowerCase();
  if (type === 'uuid') return 'uuid';
  if (type === 'date') return 'date';
  if (type.startsWith('timestamp')) return 'instant';
  if (/^(int|integer|bigint|smallint|numeric|decimal|real|double precision)\b/.test(type)) return 'number';
  return 'string';
}

/** What each part of a cursor must be. */
export type CursorPart = 'string' | 'uuid' | 'instant' | 'date' | 'number';

const partIsValid: Record<CursorPart, (part: string) => boolean> = {
  string: () => true,
  uuid: isUuid,
  instant: (part) => !Number.isNaN(Date.parse(part)),
  date: (part) => /^\d{4}-\d{2}-\d{2}$/.test(part) && !Number.isNaN(Date.parse(part)),
  number: (part) => part.trim() !== '' && Number.isFinite(Number(part)),
};

/**
 * The key of an `after` cursor of a list whose keys have this shape (null without one); a cursor of
 * another list, or a forged one, is BAD_USER_INPUT before it reaches SQL.
 */
export function decodeCursorAs(
  after: string | null | undefined,
  shape: readonly CursorPart[],
): string[] | null {
  if (!after) return null;
  const key = decodeCursor(after);
  const valid =
    key.length === shape.length &&
    key.every((part, i) => typeof part === 'string' && partIsValid[shape[i]](part));
  if (!valid) throw refuse.badInput(FOREIGN_CURSOR);
  return key as string[];
}
