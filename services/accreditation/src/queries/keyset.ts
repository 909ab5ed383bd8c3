import {
  decodeCursorAs,
  paginate,
  type Connection,
  type CursorPart,
  type KeysetColumn,
  type PageArgs,
} from '@iso20000/service-kit';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** Lists by name, then id. */
export function byName<T extends { name: string; id: string }>(alias: string): KeysetColumn<T>[] {
  return [
    { sql: `${alias}.name`, cast: 'text', orderBy: `${alias}.name`, value: (row) => row.name },
    { sql: `${alias}.id`, cast: 'uuid', orderBy: `${alias}.id`, value: (row) => row.id },
  ];
}
export const NAME_CURSOR = ['string', 'uuid'] as const;

/** Lists by an instant, then id (history, credentials). */
export function byInstant<T extends { id: string }>(
  alias: string,
  column: string,
  property: string,
  instantOf: (row: T) => Date,
): KeysetColumn<T>[] {
  return [
    {
      sql: `${alias}.${column}`,
      cast: 'timestamptz',
      orderBy: `${alias}.${property}`,
      value: (row) => instantOf(row).toISOString(),
    },
    { sql: `${alias}.id`, cast: 'uuid', orderBy: `${alias}.id`, value: (row) => row.id },
  ];
}
export const INSTANT_CURSOR = ['instant', 'uuid'] as const;

/**
 * Keyset pages with a typed cursor: a cursor of another list (or a forged one) is BAD_USER_INPUT
 * before it reaches SQL.
 */
// TODO(shared): service-kit's paginate checks only that the cursor's parts are strings, so a forged
// part reaches SQL as a failing CAST (an internal error); checking the shape first here until it does.
export function pageOf<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  columns: KeysetColumn<T>[],
  shape: readonly CursorPart[],
  args: PageArgs,
): Promise<Connection<T>> {
  decodeCursorAs(args.after, shape);
  return paginate(query, columns, args);
}
