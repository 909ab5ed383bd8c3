import { refuse } from '@iso20000/service-kit';
import type { EntityManager } from 'typeorm';
import { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';

/** The endpoint, locked for a change; another owner's is NOT_FOUND (access.ts decides before this). */
export async function lockEndpoint(manager: EntityManager, id: string): Promise<WebhookEndpointEntity> {
  const endpoint = await manager.findOne(WebhookEndpointEntity, {
    where: { id },
    lock: { mode: 'pessimistic_write' },
  });
  if (!endpoint) throw refuse.notFound('No webhook endpoint with this id');
  return endpoint;
}

/** Wakes every replica's delivery worker once the transaction commits. */
export async function announceDueDeliveries(manager: EntityManager): Promise<void> {
  await manager.query(`NOTIFY webhook_deliveries_due`);
}
