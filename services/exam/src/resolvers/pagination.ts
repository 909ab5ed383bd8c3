import {
  clampPageSize,
  decodeCursor,
  encodeCursor,
  badUserInput,
  type PageArgs,
} from '@iso20000/service-kit';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

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

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Keyset pagination (Relay connection): rows after the cursor in ascending key order, one
 * statement, served by the matching index.
 */
export async function paginate<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  columns: KeysetColumn<T>[],
  args: PageArgs,
): Promise<Connection<T>> {
  const first = clampPageSize(args.first);
  if (args.after) {
    const key = decodeCursor(args.after);
    if (key.length !== columns.length || key.some((v) => typeof v !== 'string')) {
      throw badUserInput(
        'The `after` cursor is not one this list issued; pass endCursor from a previous page of the same list.',
      );
    }
    const left = columns.map((c) => c.sql).join(', ');
    const right = columns.map((c, i) => `CAST(:cursor${i} AS ${c.cast})`).join(', ');
    qb.andWhere(`(${left}) > (${right})`, Object.fromEntries(key.map((v, i) => [`cursor${i}`, v])));
  }
  columns.forEach((c, i) => (i === 0 ? qb.orderBy(c.orderBy, 'ASC') : qb.addOrderBy(c.orderBy, 'ASC')));
  const rows = await qb.take(first + 1).getMany();
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(columns.map((c) => c.value(node))), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
  };
}
