import type { Events, PayloadOf } from '@iso20000/events';
import type { EntityManager } from 'typeorm';
import { AtoDeliveryPreferenceEntity } from '../entities/ato-delivery-preference.entity';

export type DeliveryPreferenceChanged = PayloadOf<typeof Events.AtoDeliveryPreferenceChanged>;

/** Keeps an ATO's delivery preference, which decides whether issuing also orders a paper copy. */
export async function recordAtoDeliveryPreference(
  manager: EntityManager,
  change: DeliveryPreferenceChanged,
): Promise<void> {
  // Only a newer change replaces the stored preference: events may be handled out of order.
  await manager
    .createQueryBuilder()
    .insert()
    .into(AtoDeliveryPreferenceEntity)
    .values({
      atoId: change.atoId,
      format: change.format,
      recipient: change.recipient,
      atoAddress: change.atoAddress,
      changedAt: new Date(change.changedAt),
    })
    .orUpdate(['format', 'recipient', 'ato_address', 'changed_at'], ['ato_id'], {
      overwriteCondition: { where: `"ato_delivery_preference"."changed_at" < EXCLUDED."changed_at"` },
    })
    .execute();
}
