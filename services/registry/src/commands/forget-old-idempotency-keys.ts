import type { DataSource } from 'typeorm';

/** How long an idempotency key is remembered: far longer than any client keeps retrying. */
export const IDEMPOTENCY_RETENTION_DAYS = 7;

/** Forgets idempotency keys older than the retention period; returns how many. */
export async function forgetOldIdempotencyKeys(dataSource: DataSource, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - IDEMPOTENCY_RETENTION_DAYS * 86_400_000);
  const [, deleted] = (await dataSource.query(`DELETE FROM "idempotency_record" WHERE "created_at" < $1`, [
    cutoff,
  ])) as [unknown, number];
  return deleted;
}
