import { EventConsumer, type EventConsumerControl, type EventDefinition } from '@iso20000/events';
import type { Logger } from '@iso20000/service-kit';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { recordNotificationEvent } from '../commands/record-notification-event';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_EVENTS } from '../domain/webhook-events';

/**
 * One durable consumer per event webhooks deliver: each event kept and fanned out to deliveries in
 * the consumer's transaction (with its inbox row), so a redelivered event queues nothing twice.
 */
export function createNotificationConsumers(deps: {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
}): EventConsumerControl[] {
  return WEBHOOK_EVENT_TYPES.map(
    (type) =>
      new EventConsumer<unknown>({
        ...deps,
        durableName: `notifications-${type.toLowerCase().replace(/_/g, '-')}`,
        event: WEBHOOK_EVENTS[type] as EventDefinition<unknown>,
        handle: async (_payload, { manager, envelope, logger }) => {
          const { queued } = await recordNotificationEvent(manager, envelope);
          logger.debug({ queued }, 'webhook deliveries queued');
        },
      }),
  );
}
