import { refuse } from '@iso20000/service-kit';
import type { EntityManager, EntityTarget, FindOptionsWhere } from 'typeorm';

/**
 * A row read for update: locked until the transaction ends, so concurrent changes to one record are
 * serialized rather than lost. Absent: NOT_FOUND naming what was looked for.
 */
export async function lockedRow<T extends { id: string }>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  id: string,
  what: string,
  mode: 'pessimistic_write' | 'pessimistic_read' = 'pessimistic_write',
): Promise<T> {
  const row = await manager
    .getRepository(entity)
    .findOne({ where: { id } as FindOptionsWhere<T>, lock: { mode } });
  if (!row) throw refuse.notFound(`No ${what} with id ${id}`);
  return row;
}
