import { ConsumerFreshness, EventConsumer, Events, type PayloadOf } from '@iso20000/events';
import type { Logger } from '@iso20000/service-kit';
import type { NatsConnection } from 'nats';
import type { DataSource, EntityManager } from 'typeorm';
import { refreshCertificationFlags } from '../commands/refresh-certification-flags';
import { todayUtc } from '../domain/calendar-date';
import { WITHDRAWN_RCB_TRANSFER_MONTHS } from '../domain/certification-transfer';

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
      const applied = (await manager.query(
        `INSERT INTO "rcb" ("id", "name", "status", "status_reason", "status_changed_at") VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name", "status" = EXCLUDED."status",
           "status_reason" = EXCLUDED."status_reason", "status_changed_at" = EXCLUDED."status_changed_at"
         WHERE "rcb"."status_changed_at" <= EXCLUDED."status_changed_at"
         RETURNING "id"`,
        [payload.rcbId, payload.name, payload.status, payload.reason, payload.changedAt],
      )) as unknown[];
      // an older event changes nothing, deadlines included
      const changed = applied.length ? await applyTransferDeadlines(manager, payload) : [];
      // the transfer deadline is a flag on the RCB's worklist from now, not from the next daily pass
      await refreshCertificationFlags(manager, changed, todayUtc());
      logger.info(
        { rcbId: payload.rcbId, status: payload.status, deadlines: changed.length },
        'RCB status recorded',
      );
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

/**
 * An RCB that lost its appointment (WITHDRAWN): each of its current certifications must transfer
 * within six months of the withdrawal or by its expiry, whichever is sooner (IAF MD 2), and is
 * flagged with that deadline (the same rule as withdrawnRcbTransferDeadline). Appointed again, the
 * deadlines are lifted. Returns how many certifications changed.
 */
async function applyTransferDeadlines(
  manager: EntityManager,
  payload: PayloadOf<typeof Events.RcbStatusChanged>,
): Promise<string[]> {
  if (payload.status === 'WITHDRAWN') {
    const [rows] = (await manager.query(
      `UPDATE "organization_certification"
         SET "transfer_deadline" = LEAST("expiry", ((CAST($2 AS timestamptz) AT TIME ZONE 'UTC')::date + make_interval(months => $3))::date)
       WHERE "rcb_id" = $1 AND "status" IN ('CERTIFIED', 'SUSPENDED') AND "transfer_deadline" IS NULL
         AND "expiry" >= (CAST($2 AS timestamptz) AT TIME ZONE 'UTC')::date
       RETURNING "id"`,
      [payload.rcbId, payload.changedAt, WITHDRAWN_RCB_TRANSFER_MONTHS],
    )) as [{ id: string }[], number];
    return rows.map((row) => row.id);
  }
  if (payload.status === 'APPOINTED') {
    const [rows] = (await manager.query(
      `UPDATE "organization_certification" SET "transfer_deadline" = NULL
       WHERE "rcb_id" = $1 AND "transfer_deadline" IS NOT NULL AND "status" IN ('CERTIFIED', 'SUSPENDED')
       RETURNING "id"`,
      [payload.rcbId],
    )) as [{ id: string }[], number];
    return rows.map((row) => row.id);
  }
  return [];
}
