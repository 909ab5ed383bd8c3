import type { KeysetColumn } from '@iso20000/service-kit';

/**
 * The keyset orders of accreditation's lists, for service-kit's `paginate` (which checks a cursor's
 * parts against these columns' types before any SQL runs).
 */

/** Lists by name, then id. */
export function byName<T extends { name: string; id: string }>(alias: string): KeysetColumn<T>[] {
  return [
    { sql: `${alias}.name`, cast: 'text', orderBy: `${alias}.name`, value: (row) => row.name },
    { sql: `${alias}.id`, cast: 'uuid', orderBy: `${alias}.id`, value: (row) => row.id },
  ];
}

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
