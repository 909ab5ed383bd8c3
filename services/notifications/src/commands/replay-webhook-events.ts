import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { EventScope } from '../domain/webhook-events';
import { webhookEventTypeOf } from '../domain/webhook-events';
import type { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';
import { queueDeliveries } from './record-notification-event';
import { announceDueDeliveries, lockEndpoint } from './webhook-endpoint-rows';
import { returning } from './sql';

export const MAX_REPLAY_DAYS = 31;
/** One replay's bound: more events than this, ask for a shorter range. */
export const MAX_REPLAY_EVENTS = 10_000;

interface KeptEvent {
  id: string;
  subject: string;
  occurred_at: Date;
  rcb_ids: string[];
  ato_id: string | null;
  certificate_number: string | null;
  certification_number: string | null;
}

/**
 * The endpoint's events that occurred in [from, to) queued again: those it never had get a
 * delivery (by the same rules as at fan-out: what it subscribes to and may see), those it had are
 * due again with a fresh schedule. Limited to what this service still keeps (WEBHOOK_RETENTION_DAYS).
 */
export async function replayWebhookEvents(
  dataSource: DataSource,
  endpointId: string,
  range: { from: Date; to: Date },
  authorize: (endpoint: WebhookEndpointEntity) => void,
): Promise<{ endpoint: WebhookEndpointEntity; queued: number }> {
  if (!(range.from < range.to)) throw refuse.badInput('from must be before to', { field: 'from' });
  if (range.to.getTime() - range.from.getTime() > MAX_REPLAY_DAYS * 86_400_000)
    throw refuse.badInput(`A replay covers at most ${MAX_REPLAY_DAYS} days`, { field: 'to' });
  return dataSource.transaction(async (manager) => {
    const endpoint = await lockEndpoint(manager, endpointId);
    authorize(endpoint);
    const events: KeptEvent[] = await manager.query(
      `SELECT "id", "subject", "occurred_at", "rcb_ids", "ato_id", "certificate_number", "certification_number"
       FROM "notification_event" WHERE "occurred_at" >= $1 AND "occurred_at" < $2
       ORDER BY "occurred_at", "id" LIMIT $3`,
      [range.from, range.to, MAX_REPLAY_EVENTS + 1],
    );
    if (events.length > MAX_REPLAY_EVENTS)
      throw refuse.badInput(`More than ${MAX_REPLAY_EVENTS} events in this range; replay a shorter one`, {
        field: 'to',
      });
    let queued = 0;
    for (const event of events) {
      const scope: EventScope = {
        rcbIds: event.rcb_ids,
        atoId: event.ato_id,
        certificateNumber: event.certificate_number,
        certificationNumber: event.certification_number,
      };
      queued += await queueDeliveries(
        manager,
        { id: event.id, occurredAt: event.occurred_at, type: webhookEventTypeOf(event.subject), scope },
        endpoint.id,
      );
    }
    const again = await returning<{ id: string }>(
      manager,
      `UPDATE "webhook_delivery" d SET "status" = 'PENDING', "round_failures" = 0, "next_attempt_at" = now(),
         "delivered_at" = NULL
       WHERE d."endpoint_id" = $1 AND d."status" IN ('DELIVERED', 'FAILED') AND d."occurred_at" >= $2 AND d."occurred_at" < $3
       RETURNING d."id"`,
      [endpoint.id, range.from, range.to],
    );
    queued += again.length;
    if (queued > 0) await announceDueDeliveries(manager);
    return { endpoint, queued };
  });
}
