import type { CursorPart, KeysetColumn } from '@iso20000/service-kit';
import type { SittingEntity } from '../entities/sitting.entity';

/** Sittings are listed in registration order; every sitting index ends in (registered_at, id). */
export const SITTING_ORDER: KeysetColumn<SittingEntity>[] = [
  {
    sql: '"s"."registered_at"',
    cast: 'timestamptz',
    orderBy: 's.registeredAt',
    value: (s) => s.registeredAt.toISOString(),
  },
  { sql: '"s"."id"', cast: 'uuid', orderBy: 's.id', value: (s) => s.id },
];

/** What a sittings cursor holds, checked before it reaches SQL. */
export const SITTING_CURSOR: readonly CursorPart[] = ['instant', 'uuid'];
