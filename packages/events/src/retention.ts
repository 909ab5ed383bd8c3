import { type DataSource } from 'typeorm';
import { eventSettingsFrom, type EventSettings } from './settings';

export interface PrunedEvents {
  outbox: number;
  inbox: number;
  jobTicks: number;
}

/** Rows deleted per statement: short transactions, so a pruning pass never holds the relay up. */
const PRUNE_BATCH = 5000;

async function deleteInBatches(dataSource: DataSource, sql: string, params: unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const [, count] = (await dataSource.query(sql, [...params, PRUNE_BATCH])) as [unknown, number];
    total += count;
    if (count < PRUNE_BATCH) return total;
  }
}

/**
 * Deletes published outbox rows older than OUTBOX_RETENTION_DAYS, inbox rows older than
 * INBOX_RETENTION_DAYS and finished scheduled-job ticks as old as the outbox's, in batches that walk
 * the indexes on those ages (outbox_event_published_idx, inbox_event_processed_idx). Pending outbox
 * rows are never deleted, whatever their age. Run it as a scheduled job: once per tick across replicas.
 */
export async function pruneEvents(
  dataSource: DataSource,
  settings: Pick<EventSettings, 'outboxRetentionDays' | 'inboxRetentionDays'> = eventSettingsFrom(),
): Promise<PrunedEvents> {
  const outbox = await deleteInBatches(
    dataSource,
    `DELETE FROM "outbox_event" WHERE "id" IN (SELECT "id" FROM "outbox_event" ` +
      `WHERE "published_at" IS NOT NULL AND "published_at" < now() - $1 * interval '1 day' LIMIT $2)`,
    [settings.outboxRetentionDays],
  );
  const inbox = await deleteInBatches(
    dataSource,
    `DELETE FROM "inbox_event" WHERE ("consumer", "event_id") IN (SELECT "consumer", "event_id" FROM "inbox_event" ` +
      `WHERE "processed_at" < now() - $1 * interval '1 day' LIMIT $2)`,
    [settings.inboxRetentionDays],
  );
  const jobTicks = await deleteInBatches(
    dataSource,
    `DELETE FROM "scheduled_job_tick" WHERE ("job", "tick") IN (SELECT "job", "tick" FROM "scheduled_job_tick" ` +
      `WHERE "started_at" < now() - $1 * interval '1 day' AND "state" <> 'running' LIMIT $2)`,
    [settings.outboxRetentionDays],
  );
  return { outbox, inbox, jobTicks };
}
