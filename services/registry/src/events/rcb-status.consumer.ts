import { ConsumerFreshness, EventConsumer, Events, type PayloadOf } from '@iso20000/events';
import type { Logger } from '@iso20000/service-kit';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';

const RCB_STATUS_DURABLE = 'registry-rcb-status';

/**
 * Keeps the registry's copy of each RCB's appointment status (accreditation owns it). Idempotent by
 * the consumer's inbox; and an event older than what is stored never overwrites it, so redelivery
 * out of order is harmless too.
 */
export function createRcbStatusConsumer(deps: {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
}): EventConsumer<PayloadOf<typeof Events.RcbStatusChanged>> {
  return new EventConsumer({
    ...deps,
    durableName: RCB_STATUS_DURABLE,
    event: Events.RcbStatusChanged,
    handle: async (payload, { manager, logger }) => {
      await manager.query(
        `INSERT INTO "rcb" ("id", "name", "status", "status_reason", "status_changed_at") VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name", "status" = EXCLUDED."status",
           "status_reason" = EXCLUDED."status_reason", "status_changed_at" = EXCLUDED."status_changed_at"
         WHERE "rcb"."status_changed_at" <= EXCLUDED."status_changed_at"`,
        [payload.rcbId, payload.name, payload.status, payload.reason, payload.changedAt],
      );
      logger.info({ rcbId: payload.rcbId, status: payload.status }, 'RCB status recorded');
    },
  });
}

/** Shows the copy kept by createRcbStatusConsumer current (or not), for writes that depend on an RCB's status. */
export function createRcbStatusFreshness(deps: {
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  maxStalenessMs: number;
}): ConsumerFreshness {
  return new ConsumerFreshness({
    ...deps,
    durableName: RCB_STATUS_DURABLE,
    event: Events.RcbStatusChanged,
    copyOf: 'RCB status',
  });
}
