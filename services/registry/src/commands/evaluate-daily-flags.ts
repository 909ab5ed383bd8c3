import type { Logger } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { addMonths, type CalendarDate } from '../domain/calendar-date';
import { RESTORE_AFTER_EXPIRY_MONTHS } from '../domain/certification-lifecycle';
import { refreshCertificationFlags, type FlagRefresh } from './refresh-certification-flags';

export const DAILY_FLAGS_JOB = 'certification-flags';

export type DailyFlagsResult = ({ ran: true } & FlagRefresh) | { ran: false };

/**
 * The rule engine's daily pass: evaluates every certification the rules can flag on `day` (current
 * ones, lately expired ones, and any with an open flag), raising flags that time brought (each
 * published once as registry.certification.flag-raised) and clearing those it took away. Once per
 * day: a day already in registry_job_day is skipped; a pass that failed halfway runs again at the
 * next tick, and what it already raised is not raised twice (one row per flag and limit).
 * Batches are their own transactions; each holds its certifications FOR SHARE, so a change to one of
 * them waits for the batch (and the change's own refresh then sees the batch's rows).
 */
export async function evaluateDailyFlags(
  dataSource: DataSource,
  day: CalendarDate,
  options: { batchSize?: number; logger?: Logger } = {},
): Promise<DailyFlagsResult> {
  const done = (await dataSource.query(`SELECT 1 FROM "registry_job_day" WHERE "job" = $1 AND "day" = $2`, [
    DAILY_FLAGS_JOB,
    day,
  ])) as unknown[];
  if (done.length) return { ran: false };
  const batchSize = options.batchSize ?? 500;
  // an expiry older than this is past restoring: nothing flags it any more
  const expiredSince = addMonths(day, -RESTORE_AFTER_EXPIRY_MONTHS - 1);
  const total: FlagRefresh = { evaluated: 0, raised: 0, cleared: 0 };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const batch = await dataSource.transaction(async (manager) => {
      const rows = (await manager.query(
        `SELECT c."id" FROM "organization_certification" c
         WHERE c."id" > $1 AND (c."status" IN ('CERTIFIED', 'SUSPENDED')
           OR (c."status" = 'EXPIRED' AND c."expiry" >= $2)
           OR EXISTS (SELECT 1 FROM "certification_flag" f WHERE f."certification_id" = c."id" AND f."cleared_on" IS NULL))
         ORDER BY c."id" LIMIT $3 FOR SHARE OF c`,
        [after, expiredSince, batchSize],
      )) as { id: string }[];
      const ids = rows.map((row) => row.id);
      const refreshed = await refreshCertificationFlags(manager, ids, day);
      return { ids, refreshed };
    });
    total.evaluated += batch.refreshed.evaluated;
    total.raised += batch.refreshed.raised;
    total.cleared += batch.refreshed.cleared;
    if (batch.ids.length < batchSize) break;
    after = batch.ids[batch.ids.length - 1];
  }
  await dataSource.query(
    `INSERT INTO "registry_job_day" ("job", "day", "completed_at", "result") VALUES ($1, $2, now(), $3)
     ON CONFLICT DO NOTHING`,
    [DAILY_FLAGS_JOB, day, JSON.stringify(total)],
  );
  options.logger?.info({ day, ...total }, 'daily certification flags evaluated');
  return { ran: true, ...total };
}
