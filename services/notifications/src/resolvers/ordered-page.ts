import {
  clampPageSize,
  decodeCursorAs,
  refuse,
  toConnection,
  type Connection,
  type CursorPart,
  type KeysetColumn,
} from '@iso20000/service-kit';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** How a list is ordered: newest first unless the client asks for the old order. */
export type ListOrder = 'NEWEST_FIRST' | 'OLDEST_FIRST';

const MARK: Record<ListOrder, string> = { NEWEST_FIRST: 'newest', OLDEST_FIRST: 'oldest' };

const PART_OF_CAST: Record<string, CursorPart> = { timestamptz: 'instant', uuid: 'uuid', int: 'number' };

/**
 * Keyset pagination in either direction of the key (one statement, served forwards or backwards by
 * the index on the key columns). The cursor names the order it was issued for, so a page of one
 * order never continues the other; a cursor issued before lists had an order (the key alone) is
 * read as oldest first, the only order there was.
 */
export async function pageInOrder<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  columns: KeysetColumn<T>[],
  args: { first?: number | null; after?: string | null },
  order: ListOrder,
): Promise<Connection<T>> {
  const first = clampPageSize(args.first);
  const shape = columns.map((c) => PART_OF_CAST[c.cast] ?? 'string');
  if (args.after) {
    const key = cursorKey(args.after, shape, order);
    const left = columns.map((c) => c.sql).join(', ');
    const right = columns.map((c, i) => `CAST(:cursor${i} AS ${c.cast})`).join(', ');
    qb.andWhere(
      `(${left}) ${order === 'NEWEST_FIRST' ? '<' : '>'} (${right})`,
      Object.fromEntries(key.map((v, i) => [`cursor${i}`, v])),
    );
  }
  const direction = order === 'NEWEST_FIRST' ? 'DESC' : 'ASC';
  columns.forEach((c, i) =>
    i === 0 ? qb.orderBy(c.orderBy, direction) : qb.addOrderBy(c.orderBy, direction),
  );
  const rows = await qb.take(first + 1).getMany();
  return toConnection(rows, first, (row) => [MARK[order], ...columns.map((c) => c.value(row))]);
}

function decodes(after: string, shape: CursorPart[]): string[] | null {
  try {
    return decodeCursorAs(after, shape);
  } catch {
    return null;
  }
}

function cursorKey(after: string, shape: CursorPart[], order: ListOrder): string[] {
  const marked = decodes(after, ['string', ...shape]);
  if (marked) {
    if (marked[0] !== MARK[order])
      throw refuse.badInput(
        'The `after` cursor was issued for this list in the other order; pass the same order as for the previous page',
        { field: 'after' },
      );
    return marked.slice(1);
  }
  const legacy = order === 'OLDEST_FIRST' ? decodes(after, shape) : null;
  // neither: BAD_USER_INPUT, a cursor of another list
  return legacy ?? decodeCursorAs(after, ['string', ...shape]) ?? [];
}
