import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';
import { lockEndpoint } from './webhook-endpoint-rows';

/** Deliveries keep being queued while paused and wait; resuming sends them, oldest first. */
export async function pauseWebhookEndpoint(
  dataSource: DataSource,
  id: string,
  authorize: (endpoint: WebhookEndpointEntity) => void,
): Promise<WebhookEndpointEntity> {
  return dataSource.transaction(async (manager) => {
    const endpoint = await lockEndpoint(manager, id);
    authorize(endpoint);
    if (endpoint.status === 'PAUSED') return endpoint;
    if (endpoint.status === 'DISABLED')
      throw refuse.conflict('This endpoint is disabled after persistent failure; resume it once it works');
    endpoint.status = 'PAUSED';
    endpoint.pausedAt = new Date();
    endpoint.updatedAt = endpoint.pausedAt;
    return manager.save(endpoint);
  });
}
