import {
  decodeCursorAs,
  encodeCursor,
  clampPageSize,
  paginate,
  type Connection,
  type PageArgs,
} from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { CertificationFlag, FlagRule } from '../domain/certification-flags';
import { CertificationFlagEntity } from '../entities/certification-flag.entity';

/** A flag as the graph shows it: computed on request, or stored (with when it was raised). */
export interface FlagView extends CertificationFlag {
  certificationId: string;
  raisedOn: string | null;
}

export function storedFlagView(row: CertificationFlagEntity): FlagView {
  return {
    certificationId: row.certificationId,
    rule: row.rule,
    dueOn: row.dueOn,
    asOf: row.evaluatedOn,
    explanation: row.explanation,
    clearedBy: row.clearedBy,
    raisedOn: row.raisedOn,
  };
}

/** One RCB's worklist: its open flags by urgency (the earliest limit first), keyset-paged on the worklist index. */
export async function rcbWorklist(
  dataSource: DataSource,
  rcbId: string,
  args: PageArgs & { rule?: FlagRule | null },
): Promise<Connection<FlagView>> {
  const query = dataSource
    .getRepository(CertificationFlagEntity)
    .createQueryBuilder('f')
    .where('f.rcb_id = :rcbId AND f.cleared_on IS NULL', { rcbId });
  if (args.rule) query.andWhere('f.rule = :rule', { rule: args.rule });
  const page = await paginate(
    query,
    [
      { sql: 'f.due_on', cast: 'date', orderBy: 'f.dueOn', value: (row) => row.dueOn },
      {
        sql: 'f.certification_id',
        cast: 'uuid',
        orderBy: 'f.certificationId',
        value: (row) => row.certificationId,
      },
      { sql: 'f.rule', cast: 'text', orderBy: 'f.rule', value: (row) => row.rule },
    ],
    args,
  );
  return {
    ...page,
    edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: storedFlagView(edge.node) })),
  };
}

export interface RcbFlagSummaryRow {
  rcbId: string;
  flaggedCertifications: number;
  surveillanceOverdue: number;
  suspensionEnding: number;
  suspensionOverLimit: number;
  expiredRestorable: number;
  transferDeadline: number;
  mostUrgentDueOn: string;
  asOf: string;
}

/** Scheme staff's overview: open flags counted per RCB and rule, one statement per page. */
export async function registryFlagOverview(
  dataSource: DataSource,
  args: PageArgs,
): Promise<Connection<RcbFlagSummaryRow>> {
  const first = clampPageSize(args.first, 100, 20);
  const after = decodeCursorAs(args.after, ['uuid']);
  const rows = (await dataSource.query(
    `SELECT f."rcb_id" AS "rcbId",
            count(DISTINCT f."certification_id")::int AS "flaggedCertifications",
            count(*) FILTER (WHERE f."rule" = 'SURVEILLANCE_OVERDUE')::int AS "surveillanceOverdue",
            count(*) FILTER (WHERE f."rule" = 'SUSPENSION_ENDING')::int AS "suspensionEnding",
            count(*) FILTER (WHERE f."rule" = 'SUSPENSION_OVER_LIMIT')::int AS "suspensionOverLimit",
            count(*) FILTER (WHERE f."rule" = 'EXPIRED_RESTORABLE')::int AS "expiredRestorable",
            count(*) FILTER (WHERE f."rule" = 'TRANSFER_DEADLINE')::int AS "transferDeadline",
            to_char(min(f."due_on"), 'YYYY-MM-DD') AS "mostUrgentDueOn",
            to_char(min(f."evaluated_on"), 'YYYY-MM-DD') AS "asOf"
     FROM "certification_flag" f
     WHERE f."cleared_on" IS NULL AND (CAST($1 AS uuid) IS NULL OR f."rcb_id" > CAST($1 AS uuid))
     GROUP BY f."rcb_id" ORDER BY f."rcb_id" LIMIT $2`,
    [after ? after[0] : null, first + 1],
  )) as RcbFlagSummaryRow[];
  const hasNextPage = rows.length > first;
  const page = rows.slice(0, first);
  return {
    edges: page.map((row) => ({ cursor: encodeCursor([row.rcbId]), node: row })),
    pageInfo: { hasNextPage, endCursor: page.length ? encodeCursor([page[page.length - 1].rcbId]) : null },
  };
}
