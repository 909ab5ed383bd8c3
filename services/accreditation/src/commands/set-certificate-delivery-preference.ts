import { Events, recordEvent } from '@iso20000/events';
import { refuse } from '@iso20000/service-kit';
import type { ServiceContext } from '../context';
import {
  deliveryPreferenceViolation,
  type CertificateDeliveryPreference,
} from '../domain/delivery-preference';
import { AtoEntity } from '../entities/ato.entity';
import { lockedRow } from './row-lock';

/**
 * How an ATO's candidates get their certificates (electronic only, or paper too, sent to the
 * candidate or via the ATO); the certificate service learns it from the event.
 */
export async function setCertificateDeliveryPreference(
  context: ServiceContext,
  atoId: string,
  preference: CertificateDeliveryPreference,
): Promise<AtoEntity> {
  const violation = deliveryPreferenceViolation(preference);
  if (violation) throw refuse.badInput(violation);
  return context.dataSource.transaction(async (manager) => {
    const ato = await lockedRow(manager, AtoEntity, atoId, 'ATO');
    ato.deliveryFormat = preference.format;
    ato.deliveryRecipient = preference.recipient;
    ato.deliveryAddress = preference.atoAddress;
    await manager.save(ato);
    await recordEvent(
      manager,
      Events.AtoDeliveryPreferenceChanged,
      {
        atoId,
        format: preference.format,
        recipient: preference.recipient,
        atoAddress: preference.atoAddress,
        changedAt: new Date().toISOString(),
      },
      { requestId: context.requestId },
    );
    return ato;
  });
}
