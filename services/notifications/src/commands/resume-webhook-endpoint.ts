import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { RelyingPartyEntity } from '../entities/relying-party.entity';
import type { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';
import { announceDueDeliveries, lockEndpoint } from './webhook-endpoint-rows';

/**
 * Back to ACTIVE from PAUSED or DISABLED: what waited is due now, oldest first. A disabled endpoint
 * starts with a clean failure record (its failed deliveries stay FAILED: redeliver or replay them).
 */
export async function resumeWebhookEndpoint(
  dataSource: DataSource,
  id: string,
  authorize: (endpoint: WebhookEndpointEntity) => void,
): Promise<WebhookEndpointEntity> {
  return dataSource.transaction(async (manager) => {
    const endpoint = await lockEndpoint(manager, id);
    authorize(endpoint);
    if (endpoint.status === 'ACTIVE') return endpoint;
    if (endpoint.ownerKind === 'RELYING_PARTY') {
      const party = await manager.findOne(RelyingPartyEntity, { where: { id: endpoint.ownerId! } });
      if (!party || party.revokedAt)
        throw refuse.conflict("This relying party's credential was revoked; its endpoints stay disabled");
    }
    endpoint.status = 'ACTIVE';
    endpoint.pausedAt = null;
    endpoint.disabledAt = null;
    endpoint.disabledReason = null;
    endpoint.failingSince = null;
    endpoint.updatedAt = new Date();
    await manager.save(endpoint);
    // retries that fell due while it waited go now, not at their old times one by one
    await manager.query(
      `UPDATE "webhook_delivery" SET "next_attempt_at" = now()
       WHERE "endpoint_id" = $1 AND "status" = 'PENDING' AND "next_attempt_at" > now()`,
      [id],
    );
    await announceDueDeliveries(manager);
    return endpoint;
  });
}
