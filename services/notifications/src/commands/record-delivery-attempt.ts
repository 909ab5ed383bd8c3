import { randomUUID } from 'node:crypto';
import { Events, recordEvent } from '@iso20000/events';
import type { DataSource } from 'typeorm';
import { nextRetryDelayMs } from '../domain/retry-schedule';
import type { OwnerKind } from '../domain/webhook-events';
import type { AttemptResult } from '../delivery/send-webhook';
import { returning } from './sql';

export type AttemptVerdict = 'delivered' | 'retry' | 'failed' | 'endpoint-disabled' | 'lost-claim';

/**
 * Records an attempt and what follows from it, after the HTTP exchange (never inside it): 2xx
 * delivers; otherwise the next attempt is scheduled with backoff and jitter, and a delivery out of
 * attempts fails. An endpoint that has not succeeded since it started failing, when one of its
 * deliveries runs out of attempts (three days and more), is disabled and says why.
 */
export async function recordDeliveryAttempt(
  dataSource: DataSource,
  claim: { id: string; endpointId: string; attempt: number; startedAt: Date },
  result: AttemptResult,
  retryDelaysMs: readonly number[],
): Promise<{ verdict: AttemptVerdict; retryInMs: number | null }> {
  const verdict = (v: AttemptVerdict, retryInMs: number | null = null) => ({ verdict: v, retryInMs });
  return dataSource.transaction(async (manager) => {
    // still ours? a worker past its lease may find the delivery taken over (and attempted) by another
    const held: { round_failures: number }[] = await manager.query(
      `SELECT "round_failures" FROM "webhook_delivery"
       WHERE "id" = $1 AND "status" = 'SENDING' AND "attempt_count" = $2 FOR UPDATE`,
      [claim.id, claim.attempt],
    );
    await manager.query(
      `INSERT INTO "webhook_delivery_attempt" ("id", "delivery_id", "number", "started_at", "latency_ms", "outcome",
         "response_status", "error") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT ("delivery_id", "number") DO NOTHING`,
      [
        randomUUID(),
        claim.id,
        claim.attempt,
        claim.startedAt,
        result.latencyMs,
        result.outcome,
        result.responseStatus,
        result.error,
      ],
    );
    if (held.length === 0) return verdict('lost-claim');
    if (result.outcome === 'SUCCEEDED') {
      await manager.query(
        `UPDATE "webhook_delivery" SET "status" = 'DELIVERED', "delivered_at" = now(), "lease_until" = NULL,
           "next_attempt_at" = NULL WHERE "id" = $1`,
        [claim.id],
      );
      await manager.query(
        `UPDATE "webhook_endpoint" SET "failing_since" = NULL WHERE "id" = $1 AND "failing_since" IS NOT NULL`,
        [claim.endpointId],
      );
      return verdict('delivered');
    }
    const failures = held[0].round_failures + 1;
    const delay = nextRetryDelayMs(retryDelaysMs, failures);
    const endpoint = await returning<{ failing_since: Date | null }>(
      manager,
      `UPDATE "webhook_endpoint" SET "failing_since" = COALESCE("failing_since", $2)
       WHERE "id" = $1 RETURNING "failing_since"`,
      [claim.endpointId, claim.startedAt],
    );
    if (delay !== null) {
      await manager.query(
        `UPDATE "webhook_delivery" SET "status" = 'PENDING', "round_failures" = $2, "lease_until" = NULL,
           "next_attempt_at" = now() + ($3 * interval '1 millisecond') WHERE "id" = $1`,
        [claim.id, failures, delay],
      );
      return verdict('retry', delay);
    }
    await manager.query(
      `UPDATE "webhook_delivery" SET "status" = 'FAILED', "round_failures" = $2, "lease_until" = NULL,
         "next_attempt_at" = NULL WHERE "id" = $1`,
      [claim.id, failures],
    );
    const failingSince = endpoint[0]?.failing_since;
    if (!failingSince) return verdict('failed');
    const reason =
      `Every attempt since ${new Date(failingSince).toISOString()} failed and a delivery ran out of ` +
      `its ${retryDelaysMs.length + 1} attempts (last: ${result.error ?? result.outcome}). ` +
      'Fix the endpoint, then resume it and ask for a redelivery or a replay.';
    const disabled = await returning<{ owner_kind: OwnerKind; owner_id: string | null; disabled_at: Date }>(
      manager,
      `UPDATE "webhook_endpoint" SET "status" = 'DISABLED', "disabled_at" = now(), "updated_at" = now(),
           "disabled_reason" = $2 WHERE "id" = $1 AND "status" = 'ACTIVE'
         RETURNING "owner_kind", "owner_id", "disabled_at"`,
      [claim.endpointId, reason],
    );
    if (disabled.length === 0) return verdict('failed');
    await recordEvent(manager, Events.WebhookEndpointDisabled, {
      endpointId: claim.endpointId,
      ownerKind: disabled[0].owner_kind,
      ownerId: disabled[0].owner_id,
      reason: reason.slice(0, 2000),
      disabledAt: new Date(disabled[0].disabled_at).toISOString(),
    });
    return verdict('endpoint-disabled');
  });
}
