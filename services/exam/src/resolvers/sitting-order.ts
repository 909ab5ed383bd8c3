import type { SittingEntity } from '../entities/sitting.entity';
import type { KeysetColumn } from './pagination';

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
