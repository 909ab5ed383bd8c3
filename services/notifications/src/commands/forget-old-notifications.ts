import type { DataSource } from 'typeorm';

/**
 * Retention: events older than the retention (no longer replayable) go, with their finished
 * deliveries and attempts; deliveries still pending keep their event. In bounded batches.
 */
export async function forgetOldNotifications(
  dataSource: DataSource,
  retentionDays: number,
  batch = 1000,
): Promise<{ events: number }> {
  return dataSource.transaction(async (manager) => {
    const old: { id: string }[] = await manager.query(
      `SELECT n."id" FROM "notification_event" n
       WHERE n."occurred_at" < now() - ($1 * interval '1 day')
         AND NOT EXISTS (SELECT 1 FROM "webhook_delivery" d WHERE d."event_id" = n."id" AND d."status" IN ('PENDING', 'SENDING'))
       LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [retentionDays, batch],
    );
    if (old.length === 0) return { events: 0 };
    const ids = old.map((r) => r.id);
    await manager.query(
      `DELETE FROM "webhook_delivery_attempt" WHERE "delivery_id" IN (SELECT "id" FROM "webhook_delivery" WHERE "event_id" = ANY($1::uuid[]))`,
      [ids],
    );
    await manager.query(`DELETE FROM "webhook_delivery" WHERE "event_id" = ANY($1::uuid[])`, [ids]);
    await manager.query(`DELETE FROM "notification_event" WHERE "id" = ANY($1::uuid[])`, [ids]);
    return { events: ids.length };
  });
}
