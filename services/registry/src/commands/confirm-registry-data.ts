import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { RcbActor } from '../access';
import { RcbEntity } from '../entities/rcb.entity';

/**
 * The RCB confirms that its certifications in the registry are current without changing any: its
 * data is fresh as of now. No idempotency key is needed: confirming twice says the same thing.
 */
export async function confirmRegistryData(
  dataSource: DataSource,
  actor: RcbActor,
  now: Date,
): Promise<RcbEntity> {
  const [rows] = (await dataSource.query(
    `UPDATE "rcb" SET "last_confirmed_at" = $2, "last_confirmed_by" = $3, "data_as_of" = GREATEST("data_as_of", $2)
     WHERE "id" = $1 RETURNING "id"`,
    [actor.rcbId, now, actor.actor],
  )) as [{ id: string }[], number];
  if (rows.length === 0)
    throw refuse.notFound('the registry has not heard of your RCB from accreditation yet: try again shortly');
  return dataSource.getRepository(RcbEntity).findOneByOrFail({ id: actor.rcbId });
}
