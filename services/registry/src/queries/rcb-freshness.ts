import {
  clampPageSize,
  decodeCursorAs,
  encodeCursor,
  refuse,
  type Connection,
  type PageArgs,
} from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { RcbEntity } from '../entities/rcb.entity';

/** An RCB's freshness as the graph shows it: the rcb row, and whether it is past the staleness limit. */
export interface RcbFreshnessView {
  rcb: RcbEntity;
  staleAfterDays: number;
  now: Date;
  currentCertifications?: number;
}

export function isStale(view: RcbFreshnessView): boolean {
  const asOf = view.rcb.dataAsOf;
  return !asOf || view.now.getTime() - asOf.getTime() > view.staleAfterDays * 86_400_000;
}

interface StaleRow {
  id: string;
  name: string;
  status: RcbEntity['status'];
  status_reason: string | null;
  status_changed_at: Date;
  last_data_change_at: Date | null;
  last_confirmed_at: Date | null;
  last_confirmed_by: string | null;
  data_as_of: Date | null;
  current: number;
}

/**
 * RCBs holding current certifications whose data was neither changed nor confirmed for more than
 * `staleAfterDays` (never first, then the oldest), keyset-paged on (data_as_of, id).
 */
export async function staleRcbs(
  dataSource: DataSource,
  args: PageArgs & { staleAfterDays: number; now: Date },
): Promise<Connection<RcbFreshnessView>> {
  const first = clampPageSize(args.first, 100, 20);
  const after = decodeCursorAs(args.after, ['string', 'uuid']);
  const threshold = new Date(args.now.getTime() - args.staleAfterDays * 86_400_000);
  // after a never-seen RCB (empty instant) come the rest of the never-seen, then every dated one
  const afterAsOf = after && after[0] !== '' ? new Date(after[0]) : null;
  if (afterAsOf && Number.isNaN(afterAsOf.getTime()))
    throw refuse.badInput(
      'The `after` cursor is not one this list issued; pass endCursor from a previous page.',
    );
  const rows = (await dataSource.query(
    `SELECT r.*, (SELECT count(*)::int FROM "organization_certification" c
                  WHERE c."rcb_id" = r."id" AND c."status" IN ('CERTIFIED', 'SUSPENDED')) AS "current"
     FROM "rcb" r
     WHERE (r."data_as_of" IS NULL OR r."data_as_of" < $1)
       AND EXISTS (SELECT 1 FROM "organization_certification" c
                   WHERE c."rcb_id" = r."id" AND c."status" IN ('CERTIFIED', 'SUSPENDED'))
       AND (CAST($2 AS boolean) IS NOT TRUE
            OR (CAST($3 AS timestamptz) IS NULL AND ((r."data_as_of" IS NULL AND r."id" > CAST($4 AS uuid)) OR r."data_as_of" IS NOT NULL))
            OR (CAST($3 AS timestamptz) IS NOT NULL AND (r."data_as_of" > $3 OR (r."data_as_of" = $3 AND r."id" > CAST($4 AS uuid)))))
     ORDER BY r."data_as_of" ASC NULLS FIRST, r."id" ASC
     LIMIT $5`,
    [threshold, after !== null, afterAsOf, after ? after[1] : null, first + 1],
  )) as StaleRow[];
  const views = rows.slice(0, first).map((row): RcbFreshnessView => ({
    rcb: {
      id: row.id,
      name: row.name,
      status: row.status,
      statusReason: row.status_reason,
      statusChangedAt: row.status_changed_at,
      lastDataChangeAt: row.last_data_change_at,
      lastConfirmedAt: row.last_confirmed_at,
      lastConfirmedBy: row.last_confirmed_by,
      dataAsOf: row.data_as_of,
    },
    staleAfterDays: args.staleAfterDays,
    now: args.now,
    currentCertifications: row.current,
  }));
  const cursorOf = (view: RcbFreshnessView) =>
    encodeCursor([view.rcb.dataAsOf?.toISOString() ?? '', view.rcb.id]);
  return {
    edges: views.map((view) => ({ cursor: cursorOf(view), node: view })),
    pageInfo: {
      hasNextPage: rows.length > first,
      endCursor: views.length ? cursorOf(views[views.length - 1]) : null,
    },
  };
}
