import type { DataSource } from 'typeorm';
import type { OwnerKind } from '../domain/webhook-events';
import { returning } from './sql';

/** A delivery claimed for one attempt, with what the attempt needs. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  attempt: number;
  url: string;
  ownerKind: OwnerKind;
  /** The RCB, ATO or relying party owning the endpoint; null for scheme staff's. */
  ownerId: string | null;
  secretCiphertext: string;
  previousSecretCiphertext: string | null;
  envelope: Record<string, unknown>;
}

interface ClaimRow {
  id: string;
  endpoint_id: string;
  attempt_count: number;
  url: string;
  owner_kind: OwnerKind;
  owner_id: string | null;
  secret_ciphertext: string;
  previous_secret_ciphertext: string | null;
  envelope: Record<string, unknown>;
}

/**
 * Claims up to `limit` due deliveries for attempts, in one short transaction, across every replica
 * without doubles: endpoints are locked FOR UPDATE SKIP LOCKED (so one claimer at a time counts an
 * endpoint's deliveries in flight against its max_concurrency), deliveries too. A claim is a lease:
 * a delivery whose worker died is due again once the lease has passed. Oldest events first.
 */
export async function claimDueDeliveries(
  dataSource: DataSource,
  limit: number,
  leaseMs: number,
): Promise<ClaimedDelivery[]> {
  if (limit <= 0) return [];
  return dataSource.transaction(async (manager) => {
    const endpoints: { id: string }[] = await manager.query(
      `SELECT e."id" FROM "webhook_endpoint" e
       WHERE e."status" = 'ACTIVE' AND EXISTS (
         SELECT 1 FROM "webhook_delivery" d
         WHERE d."endpoint_id" = e."id" AND d."status" IN ('PENDING', 'SENDING')
           AND ((d."status" = 'PENDING' AND d."next_attempt_at" <= now()) OR (d."status" = 'SENDING' AND d."lease_until" < now())))
       ORDER BY random()
       LIMIT $1
       FOR UPDATE OF e SKIP LOCKED`,
      [limit],
    );
    const claimed: ClaimedDelivery[] = [];
    for (const endpoint of endpoints) {
      // counted after the lock, in a statement of its own: it sees every claim committed before ours
      const [{ free }]: { free: number }[] = await manager.query(
        `SELECT e."max_concurrency" - (
           SELECT count(*) FROM "webhook_delivery" f
           WHERE f."endpoint_id" = e."id" AND f."status" = 'SENDING' AND f."lease_until" >= now())::int AS "free"
         FROM "webhook_endpoint" e WHERE e."id" = $1`,
        [endpoint.id],
      );
      const take = Math.min(free, limit - claimed.length);
      if (take <= 0) continue;
      const rows = await returning<ClaimRow>(
        manager,
        `WITH due AS (
           SELECT d."id" FROM "webhook_delivery" d
           WHERE d."endpoint_id" = $1 AND d."status" IN ('PENDING', 'SENDING')
             AND ((d."status" = 'PENDING' AND d."next_attempt_at" <= now()) OR (d."status" = 'SENDING' AND d."lease_until" < now()))
           ORDER BY d."occurred_at", d."id"
           LIMIT $2
           FOR UPDATE OF d SKIP LOCKED)
         UPDATE "webhook_delivery" w
         SET "status" = 'SENDING', "attempt_count" = w."attempt_count" + 1,
             "lease_until" = now() + ($3 * interval '1 millisecond')
         FROM due, "webhook_endpoint" e, "notification_event" n
         WHERE w."id" = due."id" AND e."id" = w."endpoint_id" AND n."id" = w."event_id"
         RETURNING w."id", w."endpoint_id", w."attempt_count", e."url", e."owner_kind", e."owner_id", e."secret_ciphertext",
           CASE WHEN e."previous_secret_expires_at" > now() THEN e."previous_secret_ciphertext" END AS "previous_secret_ciphertext",
           n."envelope"`,
        [endpoint.id, take, leaseMs],
      );
      for (const row of rows)
        claimed.push({
          id: row.id,
          endpointId: row.endpoint_id,
          attempt: row.attempt_count,
          url: row.url,
          ownerKind: row.owner_kind,
          ownerId: row.owner_id,
          secretCiphertext: row.secret_ciphertext,
          previousSecretCiphertext: row.previous_secret_ciphertext,
          envelope: row.envelope,
        });
    }
    return claimed;
  });
}
