import { badUserInput, clampPageSize, decodeCursor, encodeCursor } from '@iso20000/service-kit';

export { clampPageSize, encodeCursor };

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Builds a connection from rows fetched with LIMIT first + 1 (the extra row only says there is more). */
export function toConnection<T>(rows: T[], first: number, keyOf: (row: T) => unknown[]): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}

function cursorOf(
  after: string | null | undefined,
  shape: readonly ('string' | 'uuid' | 'instant' | 'date')[],
): unknown[] | null {
  if (!after) return null;
  const key = decodeCursor(after);
  const valid =
    key.length === shape.length &&
    key.every((part, index) => {
      if (typeof part !== 'string') return false;
      switch (shape[index]) {
        case 'uuid':
          return /^[0-9a-f-]{36}$/i.test(part);
        case 'instant':
          return !Number.isNaN(Date.parse(part));
        case 'date':
          return /^\d{4}-\d{2}-\d{2}$/.test(part);
        default:
          return true;
      }
    });
  if (!valid)
    throw badUserInput(
      'The `after` cursor does not belong to this list; pass endCursor from a previous page of it.',
    );
  return key;
}

/** Lists ordered by name, then id. */
export type NameCursor = [string, string];
export function nameCursor(after: string | null | undefined): NameCursor | null {
  return cursorOf(after, ['string', 'uuid']) as NameCursor | null;
}

/** Lists ordered by an instant, then id (history, credentials). */
export type InstantCursor = [string, string];
export function instantCursor(after: string | null | undefined): InstantCursor | null {
  return cursorOf(after, ['instant', 'uuid']) as InstantCursor | null;
}

/** Courses: by start date (undated last), then id. */
export type CourseCursor = [string, string];
export function courseCursor(after: string | null | undefined): CourseCursor | null {
  return cursorOf(after, ['date', 'uuid']) as CourseCursor | null;
}
export function courseKey(course: { startsOn: string | null; id: string }): CourseCursor {
  return [course.startsOn ?? '9999-12-31', course.id];
}
export function courseOrderKey(alias: string): string {
  return `COALESCE(${alias}.starts_on, DATE '9999-12-31')`;
}
/** The same order as courseOrderKey, written so the (ato_id, starts_on, id) index yields it without sorting. */
export function courseIndexOrder(alias: string): string {
  return `${alias}.starts_on ASC NULLS LAST, ${alias}.id ASC`;
}

export function iso(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : value;
}
