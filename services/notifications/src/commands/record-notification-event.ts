import { randomUUID } from 'node:crypto';
import { Events, type EventEnvelope } from '@iso20000/events';
import type { EntityManager } from 'typeorm';
import {
  endpointReceives,
  webhookEventTypeOf,
  type EventScope,
  type OwnerKind,
  type WebhookEventType,
} from '../domain/webhook-events';

/** The channel a committed fan-out (or a redelivery) wakes the delivery workers on, in every replica. */
export const DELIVERIES_DUE_CHANNEL = 'webhook_deliveries_due';

interface CandidateEndpoint {
  id: string;
  owner_kind: OwnerKind;
  owner_id: string | null;
  event_types: string[];
  certificate_numbers: string[];
  certification_numbers: string[];
}

/**
 * An event from the bus, in the consumer's transaction: keep the ownership it tells, keep the event
 * (replays read it again), and queue one delivery per endpoint that may receive it. Nothing is sent
 * here: the delivery worker sends after this commits, off the consumer and its transaction.
 */
export async function recordNotificationEvent(
  manager: EntityManager,
  envelope: EventEnvelope,
): Promise<{ queued: number }> {
  const type = webhookEventTypeOf(envelope.subject);
  const scope = await scopeOf(manager, envelope);
  const inserted: unknown[] = await manager.query(
    `INSERT INTO "notification_event" ("id", "subject", "occurred_at", "envelope", "rcb_ids", "ato_id",
       "certificate_number", "certification_number", "received_at")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
     ON CONFLICT ("id") DO NOTHING RETURNING "id"`,
    [
      envelope.id,
      envelope.subject,
      envelope.occurredAt,
      JSON.stringify(envelope),
      scope.rcbIds,
      scope.atoId,
      scope.certificateNumber,
      scope.certificationNumber,
    ],
  );
  if (inserted.length === 0) return { queued: 0 };
  const queued = await queueDeliveries(manager, {
    id: envelope.id,
    occurredAt: envelope.occurredAt,
    type,
    scope,
  });
  return { queued };
}

/** Deliveries of one kept event to every endpoint that may receive it (none twice). */
export async function queueDeliveries(
  manager: EntityManager,
  event: { id: string; occurredAt: string | Date; type: WebhookEventType; scope: EventScope },
  onlyEndpointId?: string,
): Promise<number> {
  const { scope } = event;
  // the SQL narrows to the plausible endpoints; endpointReceives decides, one rule for fan-out and replay
  const candidates: CandidateEndpoint[] = await manager.query(
    `SELECT "id", "owner_kind", "owner_id", "event_types", "certificate_numbers", "certification_numbers"
     FROM "webhook_endpoint"
     WHERE "status" IN ('ACTIVE', 'PAUSED') AND $1 = ANY("event_types")
       AND ($6::uuid IS NULL OR "id" = $6)
       AND ("owner_kind" = 'SCHEME'
         OR ("owner_kind" = 'RCB' AND "owner_id" = ANY($2::uuid[]))
         OR ("owner_kind" = 'ATO' AND "owner_id" = $3)
         OR ("owner_kind" = 'RELYING_PARTY' AND ($4 = ANY("certificate_numbers") OR $5 = ANY("certification_numbers"))))`,
    [
      event.type,
      scope.rcbIds,
      scope.atoId,
      scope.certificateNumber,
      scope.certificationNumber,
      onlyEndpointId ?? null,
    ],
  );
  const receivers = candidates.filter((e) =>
    endpointReceives(
      {
        ownerKind: e.owner_kind,
        ownerId: e.owner_id,
        eventTypes: e.event_types,
        certificateNumbers: e.certificate_numbers,
        certificationNumbers: e.certification_numbers,
      },
      event.type,
      scope,
    ),
  );
  if (receivers.length === 0) return 0;
  const rows: unknown[] = await manager.query(
    `INSERT INTO "webhook_delivery" ("id", "endpoint_id", "event_id", "event_type", "occurred_at", "status",
       "attempt_count", "round_failures", "next_attempt_at", "created_at")
     SELECT unnest($1::uuid[]), unnest($2::uuid[]), $3, $4, $5, 'PENDING', 0, 0, now(), now()
     ON CONFLICT ("endpoint_id", "event_id") DO NOTHING RETURNING "id"`,
    [receivers.map(() => randomUUID()), receivers.map((e) => e.id), event.id, event.type, event.occurredAt],
  );
  if (rows.length > 0) await manager.query(`NOTIFY ${DELIVERIES_DUE_CHANNEL}`);
  return rows.length;
}

type Payload = Record<string, unknown>;
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Whom the event concerns, completing what its payload does not say from the copies kept here. */
async function scopeOf(manager: EntityManager, envelope: EventEnvelope): Promise<EventScope> {
  const p = envelope.payload as Payload;
  const scope: EventScope = { rcbIds: [], atoId: null, certificateNumber: null, certificationNumber: null };
  switch (envelope.subject) {
    case Events.ExamSittingReleased.subject:
      scope.atoId = text(p.atoId);
      await manager.query(
        `INSERT INTO "sitting_owner" ("sitting_id", "ato_id") VALUES ($1, $2)
         ON CONFLICT ("sitting_id") DO UPDATE SET "ato_id" = EXCLUDED."ato_id"`,
        [p.sittingId, scope.atoId],
      );
      break;
    case Events.ExamSittingVoided.subject:
      scope.atoId =
        p.atoId !== undefined
          ? text(p.atoId)
          : await copiedAto(manager, 'sitting_owner', 'sitting_id', p.sittingId);
      break;
    case Events.CertificateIssued.subject:
      scope.atoId = text(p.atoId);
      scope.certificateNumber = text(p.number);
      await manager.query(
        `INSERT INTO "certificate_owner" ("certificate_id", "ato_id") VALUES ($1, $2)
         ON CONFLICT ("certificate_id") DO UPDATE SET "ato_id" = EXCLUDED."ato_id"`,
        [p.certificateId, scope.atoId],
      );
      break;
    case Events.CertificateRevoked.subject:
      scope.certificateNumber = text(p.number);
      scope.atoId =
        p.atoId !== undefined
          ? text(p.atoId)
          : await copiedAto(manager, 'certificate_owner', 'certificate_id', p.certificateId);
      break;
    case Events.AtoStatusChanged.subject:
    case Events.AtoDeliveryPreferenceChanged.subject:
      scope.atoId = text(p.atoId);
      break;
    case Events.RcbStatusChanged.subject:
      scope.rcbIds = [String(p.rcbId)];
      break;
    case Events.CertificationFlagRaised.subject:
      scope.rcbIds = [String(p.rcbId)];
      scope.certificationNumber = text(p.certificateNumber);
      break;
    case Events.CertificationTransferRequested.subject:
    case Events.CertificationTransferObjected.subject:
    case Events.CertificationTransferObjectionDecided.subject:
    case Events.CertificationTransferCompleted.subject:
    case Events.CertificationTransferCancelled.subject:
      // both RCBs of a transfer take part in it (IAF MD 2): the issuing and the accepting one
      scope.rcbIds = [...new Set([String(p.fromRcbId), String(p.toRcbId)])];
      scope.certificationNumber = text(p.certificateNumber);
      break;
    case Events.CertificationChanged.subject: {
      scope.certificationNumber = text(p.certificateNumber);
      const rcbId = String(p.rcbId);
      const held: { rcb_id: string; version: number }[] = await manager.query(
        `SELECT "rcb_id", "version" FROM "certification_holder" WHERE "certification_id" = $1 FOR UPDATE`,
        [p.certificationId],
      );
      const previous = held[0];
      // a transfer concerns the RCB the certification left as well (it is told, IAF MD 2): the event
      // names it (previousRcbId); events recorded before it did are read against the copy kept here
      const left =
        typeof p.previousRcbId === 'string'
          ? p.previousRcbId
          : p.previousRcbId === undefined &&
              previous &&
              previous.rcb_id !== rcbId &&
              previous.version < Number(p.version)
            ? previous.rcb_id
            : null;
      scope.rcbIds = left && left !== rcbId ? [rcbId, left] : [rcbId];
      await manager.query(
        `INSERT INTO "certification_holder" ("certification_id", "rcb_id", "version") VALUES ($1, $2, $3)
         ON CONFLICT ("certification_id") DO UPDATE SET "rcb_id" = EXCLUDED."rcb_id", "version" = EXCLUDED."version"
         WHERE "certification_holder"."version" < EXCLUDED."version"`,
        [p.certificationId, rcbId, p.version],
      );
      break;
    }
  }
  return scope;
}

async function copiedAto(
  manager: EntityManager,
  table: 'sitting_owner' | 'certificate_owner',
  key: 'sitting_id' | 'certificate_id',
  id: unknown,
): Promise<string | null> {
  const rows: { ato_id: string | null }[] = await manager.query(
    `SELECT "ato_id" FROM "${table}" WHERE "${key}" = $1`,
    [id],
  );
  return rows[0]?.ato_id ?? null;
}
