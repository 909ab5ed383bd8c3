import { randomUUID } from 'node:crypto';
import { Events, recordEvents } from '@iso20000/events';
import type { EntityManager } from 'typeorm';
import type { CalendarDate } from '../domain/calendar-date';
import { flagsOf, type CertificationFlag } from '../domain/certification-flags';
import { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import { RcbEntity } from '../entities/rcb.entity';
import { stateOf } from './certification-rows';

export interface FlagRefresh {
  evaluated: number;
  raised: number;
  cleared: number;
}

interface OpenFlagRow {
  id: string;
  certification_id: string;
  rule: string;
  due_on: string;
}

const keyOf = (certificationId: string, rule: string, dueOn: string) => `${certificationId}|${rule}|${dueOn}`;

/**
 * Evaluates the rules for these certifications as of a date and brings their stored flags in line:
 * new ones are raised (and `registry.certification.flag-raised` recorded, once per flag: the insert
 * that raises it is the only one that returns it), ones the rules no longer find are cleared, the rest
 * carry the new as-of date and the holding RCB. In the caller's transaction; a handful of statements
 * whatever the number of certifications.
 */
export async function refreshCertificationFlags(
  manager: EntityManager,
  certificationIds: readonly string[],
  asOf: CalendarDate,
  options: { requestId?: string } = {},
): Promise<FlagRefresh> {
  if (certificationIds.length === 0) return { evaluated: 0, raised: 0, cleared: 0 };
  const ids = [...new Set(certificationIds)];
  const certifications = await manager
    .getRepository(OrganizationCertificationEntity)
    .createQueryBuilder('c')
    .leftJoinAndMapOne('c.rcbRecord', RcbEntity, 'r', 'r.id = c.rcb_id')
    .where('c.id = ANY(:ids)', { ids })
    .getMany();
  const computed = new Map<
    string,
    { certification: OrganizationCertificationEntity; flag: CertificationFlag }
  >();
  for (const certification of certifications) {
    const flags = flagsOf(
      {
        state: stateOf(certification),
        transferDeadline: certification.transferDeadline,
        rcbStatus: certification.rcbRecord?.status ?? null,
      },
      asOf,
    );
    for (const flag of flags)
      computed.set(keyOf(certification.id, flag.rule, flag.dueOn), { certification, flag });
  }

  const open = (await manager.query(
    `SELECT "id", "certification_id", "rule", to_char("due_on", 'YYYY-MM-DD') AS "due_on"
     FROM "certification_flag" WHERE "certification_id" = ANY($1) AND "cleared_on" IS NULL`,
    [ids],
  )) as OpenFlagRow[];
  const openKeys = new Set(open.map((row) => keyOf(row.certification_id, row.rule, row.due_on)));
  const gone = open.filter((row) => !computed.has(keyOf(row.certification_id, row.rule, row.due_on)));
  if (gone.length) {
    await manager.query(`UPDATE "certification_flag" SET "cleared_on" = $2 WHERE "id" = ANY($1)`, [
      gone.map((row) => row.id),
      asOf,
    ]);
  }
  const holding = new Map(certifications.map((c) => [c.id, c.rcbId]));
  const kept = open.filter((row) => computed.has(keyOf(row.certification_id, row.rule, row.due_on)));
  if (kept.length) {
    await manager.query(
      `UPDATE "certification_flag" f SET "evaluated_on" = $3, "rcb_id" = k."rcb_id"
       FROM unnest($1::uuid[], $2::uuid[]) AS k("id", "rcb_id") WHERE f."id" = k."id"`,
      [kept.map((row) => row.id), kept.map((row) => holding.get(row.certification_id)), asOf],
    );
  }

  const fresh = [...computed.entries()].filter(([key]) => !openKeys.has(key)).map(([, value]) => value);
  let raised: { certification_id: string; rule: string; due_on: string }[] = [];
  if (fresh.length) {
    raised = (await manager.query(
      `INSERT INTO "certification_flag"
         ("id", "certification_id", "rcb_id", "rule", "due_on", "explanation", "cleared_by", "raised_on", "evaluated_on", "cleared_on")
       SELECT n."id", n."certification_id", n."rcb_id", n."rule", n."due_on", n."explanation", n."cleared_by", $8, $8, NULL
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::date[], $6::text[], $7::text[])
         AS n("id", "certification_id", "rcb_id", "rule", "due_on", "explanation", "cleared_by")
       ON CONFLICT ("certification_id", "rule", "due_on") DO UPDATE SET
         "cleared_on" = NULL, "raised_on" = EXCLUDED."raised_on", "evaluated_on" = EXCLUDED."evaluated_on",
         "rcb_id" = EXCLUDED."rcb_id", "explanation" = EXCLUDED."explanation", "cleared_by" = EXCLUDED."cleared_by"
       WHERE "certification_flag"."cleared_on" IS NOT NULL
       RETURNING "certification_id", "rule", to_char("due_on", 'YYYY-MM-DD') AS "due_on"`,
      [
        fresh.map(() => randomUUID()),
        fresh.map(({ certification }) => certification.id),
        fresh.map(({ certification }) => certification.rcbId),
        fresh.map(({ flag }) => flag.rule),
        fresh.map(({ flag }) => flag.dueOn),
        fresh.map(({ flag }) => flag.explanation),
        fresh.map(({ flag }) => flag.clearedBy),
        asOf,
      ],
    )) as { certification_id: string; rule: string; due_on: string }[];
    await recordEvents(
      manager,
      Events.CertificationFlagRaised,
      raised.flatMap((row) => {
        const found = computed.get(keyOf(row.certification_id, row.rule, row.due_on));
        if (!found) return [];
        const { certification, flag } = found;
        return {
          certificationId: certification.id,
          rcbId: certification.rcbId,
          certificateNumber: certification.certificateNumber,
          rule: flag.rule,
          dueOn: flag.dueOn,
          asOf,
          explanation: `${flag.explanation}; cleared by ${flag.clearedBy}`,
        };
      }),
      { requestId: options.requestId },
    );
  }
  return { evaluated: certifications.length, raised: raised.length, cleared: gone.length };
}
