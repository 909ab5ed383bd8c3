import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { WebhookDeliveryEntity } from '../entities/webhook-delivery.entity';
import type { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';
import { announceDueDeliveries, lockEndpoint } from './webhook-endpoint-rows';

/**
 * A new round of attempts for one delivery, whatever it came to (delivered, failed): due now, the
 * same webhook-id, so a receiver that has it already can tell. One in flight is left to finish.
 */
export async function redeliverWebhookDelivery(
  dataSource: DataSource,
  id: string,
  authorize: (endpoint: WebhookEndpointEntity) => void,
): Promise<WebhookDeliveryEntity> {
  return dataSource.transaction(async (manager) => {
    const found = await manager.findOne(WebhookDeliveryEntity, { where: { id } });
    if (!found) throw refuse.notFound('No webhook delivery with this id');
    authorize(await lockEndpoint(manager, found.endpointId));
    const delivery = await manager.findOne(WebhookDeliveryEntity, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!delivery) throw refuse.notFound('No webhook delivery with this id');
    if (delivery.status === 'SENDING')
      throw refuse.conflict('An attempt of this delivery is under way; ask again once it is recorded');
    delivery.status = 'PENDING';
    delivery.roundFailures = 0;
    delivery.nextAttemptAt = new Date();
    delivery.deliveredAt = null;
    await manager.save(delivery);
    await announceDueDeliveries(manager);
    return delivery;
  });
}
