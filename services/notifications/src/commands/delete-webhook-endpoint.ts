import type { DataSource } from 'typeorm';
import type { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';
import { lockEndpoint } from './webhook-endpoint-rows';

/** The endpoint goes with its deliveries and their attempts; an attempt in flight is recorded nowhere. */
export async function deleteWebhookEndpoint(
  dataSource: DataSource,
  id: string,
  authorize: (endpoint: WebhookEndpointEntity) => void,
): Promise<{ id: string }> {
  return dataSource.transaction(async (manager) => {
    const endpoint = await lockEndpoint(manager, id);
    authorize(endpoint);
    await manager.query(
      `DELETE FROM "webhook_delivery_attempt" WHERE "delivery_id" IN (SELECT "id" FROM "webhook_delivery" WHERE "endpoint_id" = $1)`,
      [id],
    );
    await manager.query(`DELETE FROM "webhook_delivery" WHERE "endpoint_id" = $1`, [id]);
    await manager.query(`DELETE FROM "webhook_endpoint" WHERE "id" = $1`, [id]);
    return { id };
  });
}
