import { randomUUID } from 'node:crypto';
import { Events, recordEvents } from '@iso20000/events';
import type { RefusalCode } from '@iso20000/service-kit';
import type { EntityManager } from 'typeorm';
import type { RcbActor } from '../access';
import {
  planImport,
  type ImportPlan,
  type ImportRecord,
  type OrganizationDetails,
} from '../domain/certification-import';
import type { LifecycleStep } from '../domain/certification-lifecycle';
import { type CertificationHistoryEntity } from '../entities/certification-history.entity';
import { type CertifiedOrganizationEntity } from '../entities/certified-organization.entity';
import { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import {
  insertCertifications,
  insertHistory,
  insertOrganizations,
  updateCertifications,
  updateOrganizations,
} from './bulk-statements';
import { rcbStatusOf, type CommandContext } from './certification-change';
import { refreshCertificationFlags } from './refresh-certification-flags';
import {
  certificationAfter,
  certificationChangedPayload,
  historyEntry,
  noteRcbDataChanged,
  organizationRow,
  stateOf,
  type ChangeAuthor,
} from './certification-rows';

export const MAX_IMPORT_RECORDS = 1000;

export interface UpsertRecordResult {
  index: number;
  certificateNumber: string;
  outcome: 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'REJECTED';
  errorCode: string | null;
  reasons: string[];
  certification: OrganizationCertificationEntity | null;
  changedFields: string[];
}

export interface ImportResult {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  records: UpsertRecordResult[];
}

/** One record as the RCB sent it, or the reason it was refused before planning. */
export type ImportInput = (
  | { certificateNumber: string; record: ImportRecord; refused?: undefined }
  | { certificateNumber: string; refused: { code: RefusalCode; reason: string }; record?: undefined }
) & {
  /** How refusals name the record (`input[3]` by default; an upload names its row). */
  field?: string;
};

export interface ImportCertifications {
  records: ImportInput[];
  dryRun: boolean;
}

function organizationDetails(org: CertifiedOrganizationEntity): OrganizationDetails {
  return {
    legalName: org.legalName,
    otherNames: org.otherNames,
    country: org.country,
    address: org.address,
    publicListing: org.publicListing,
  };
}

interface PlannedRecord {
  index: number;
  certificateNumber: string;
  existing: OrganizationCertificationEntity | null;
  plan: ImportPlan;
}

const rejection = (code: RefusalCode, reason: string): ImportPlan => ({
  outcome: 'REJECTED',
  code,
  reasons: [reason],
});

/**
 * Bulk import, per record: every record is planned on its own (pure domain code), rejected ones
 * change nothing, and the accepted ones are written with a handful of multi-row statements in one
 * transaction (so a server failure writes none of them).
 */
export function importCertifications(
  ctx: CommandContext,
  actor: RcbActor,
  command: ImportCertifications,
  /** Runs in this transaction (an upload's batch, with its progress) instead of its own. */
  inTransaction?: EntityManager,
): Promise<ImportResult> {
  const { rcbId } = actor;
  const { dryRun, records } = command;
  const author: ChangeAuthor = { actor: actor.actor, requestId: ctx.requestId, rcbId };

  const run = (work: (manager: EntityManager) => Promise<ImportResult>) =>
    inTransaction ? work(inTransaction) : ctx.dataSource.transaction(work);
  return run(async (manager) => {
    const rcbStatus = await rcbStatusOf(ctx, manager, rcbId);
    const numbers = [...new Set(records.map((input) => input.certificateNumber))];
    const query = manager
      .getRepository(OrganizationCertificationEntity)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.organization', 'o')
      .where('c.rcb_id = :rcbId AND c.certificate_number = ANY(:numbers)', { rcbId, numbers });
    // rows being updated stay locked until commit, so two imports of the same record serialize
    if (!dryRun) query.setLock('pessimistic_write', undefined, ['c']);
    const existing = new Map((await query.getMany()).map((row) => [row.certificateNumber, row]));

    const firstIndex = new Map<string, number>();
    const planned: PlannedRecord[] = records.map((input, index) => {
      const { certificateNumber } = input;
      const unplanned = (plan: ImportPlan) => ({ index, certificateNumber, existing: null, plan });
      const earlier = firstIndex.get(certificateNumber);
      if (earlier !== undefined) {
        return unplanned(
          rejection(
            'BAD_USER_INPUT',
            `certificateNumber ${certificateNumber} appears more than once in this call (first at index ${earlier})`,
          ),
        );
      }
      firstIndex.set(certificateNumber, index);
      if (input.refused) return unplanned(rejection(input.refused.code, input.refused.reason));
      const current = existing.get(certificateNumber) ?? null;
      const plan = planImport(
        rcbId,
        input.record,
        current && current.organization
          ? {
              version: current.version,
              state: stateOf(current),
              organization: organizationDetails(current.organization),
            }
          : null,
        { today: ctx.today, rcbStatus },
        input.field ?? `input[${index}]`,
      );
      return { index, certificateNumber, existing: current, plan };
    });

    await refuseIssuerActionsDuringTransfer(manager, planned);
    const results = dryRun ? planned.map(baseResult) : await writePlanned(manager, planned, author);
    if (!dryRun) {
      const written = results.flatMap((r) =>
        (r.outcome === 'CREATED' || r.outcome === 'UPDATED') && r.certification ? [r.certification.id] : [],
      );
      if (written.length) await noteRcbDataChanged(manager, author, new Date());
      await refreshCertificationFlags(manager, written, ctx.today, { requestId: author.requestId });
    }
    const count = (outcome: UpsertRecordResult['outcome']) =>
      results.filter((r) => r.outcome === outcome).length;
    return {
      dryRun,
      created: count('CREATED'),
      updated: count('UPDATED'),
      unchanged: count('UNCHANGED'),
      rejected: count('REJECTED'),
      records: results,
    };
  });
}

/** What a record does; on a dry run, the certification shown is the one stored now. */
function baseResult(p: PlannedRecord): UpsertRecordResult {
  const rejected = p.plan.outcome === 'REJECTED' ? p.plan : null;
  return {
    index: p.index,
    certificateNumber: p.certificateNumber,
    outcome: p.plan.outcome,
    errorCode: rejected?.code ?? null,
    reasons: rejected?.reasons ?? [],
    certification: rejected ? null : p.existing,
    changedFields: p.plan.outcome === 'UPDATED' ? p.plan.changedFields : [],
  };
}

async function writePlanned(
  manager: EntityManager,
  planned: PlannedRecord[],
  author: ChangeAuthor,
): Promise<UpsertRecordResult[]> {
  const now = new Date();
  const newOrganizations: CertifiedOrganizationEntity[] = [];
  const newCertifications: OrganizationCertificationEntity[] = [];
  const updatedCertifications: OrganizationCertificationEntity[] = [];
  const updatedOrganizations: CertifiedOrganizationEntity[] = [];
  const history: CertificationHistoryEntity[] = [];
  const changed: { after: OrganizationCertificationEntity; step: LifecycleStep }[] = [];
  const results: UpsertRecordResult[] = [];

  for (const p of planned) {
    const result = baseResult(p);
    results.push(result);
    if (p.plan.outcome === 'CREATED') {
      const organizationId = randomUUID();
      newOrganizations.push(organizationRow(organizationId, p.plan.organization, now));
      const after = certificationAfter(null, p.plan.step, { id: randomUUID(), organizationId }, now);
      newCertifications.push(after);
      history.push(historyEntry(null, after, p.plan.step, author, now));
      changed.push({ after, step: p.plan.step });
      result.certification = after;
    } else if (p.plan.outcome === 'UPDATED' && p.existing) {
      const before = p.existing;
      const after = certificationAfter(
        before,
        p.plan.step,
        { id: before.id, organizationId: before.organizationId },
        now,
      );
      updatedCertifications.push(after);
      if (p.plan.organizationChanged && before.organization) {
        updatedOrganizations.push(
          organizationRow(before.organizationId, p.plan.organization, now, before.organization.createdAt),
        );
      }
      history.push(historyEntry(before, after, p.plan.step, author, now, p.plan.changedFields));
      changed.push({ after, step: p.plan.step });
      result.certification = after;
    }
  }

  // organizations first: certifications reference them, history references certifications
  await insertOrganizations(manager, newOrganizations);
  await insertCertifications(manager, newCertifications);
  await updateOrganizations(manager, updatedOrganizations);
  await updateCertifications(manager, updatedCertifications);
  await insertHistory(manager, history);
  await recordEvents(
    manager,
    Events.CertificationChanged,
    changed.map(({ after, step }) => certificationChangedPayload(after, step, now)),
    { requestId: author.requestId },
  );
  return results;
}

/**
 * IAF MD 2 2.4.2 holds in bulk too: a record that would suspend or withdraw a certification with an
 * open transfer is rejected (the single-record mutation takes the justification the rule asks for).
 */
async function refuseIssuerActionsDuringTransfer(
  manager: EntityManager,
  planned: PlannedRecord[],
): Promise<void> {
  const acting = planned.filter(
    (p) =>
      p.existing &&
      p.plan.outcome === 'UPDATED' &&
      (p.plan.step.state.status === 'SUSPENDED' || p.plan.step.state.status === 'WITHDRAWN') &&
      p.plan.step.state.status !== p.existing.status,
  );
  if (acting.length === 0) return;
  const rows = (await manager.query(
    `SELECT "certification_id" FROM "certification_transfer" WHERE "certification_id" = ANY($1) AND "status" IN ('PENDING', 'OBJECTED')`,
    [acting.map((p) => p.existing?.id)],
  )) as { certification_id: string }[];
  const open = new Set(rows.map((row) => row.certification_id));
  for (const p of acting) {
    if (!p.existing || !open.has(p.existing.id)) continue;
    p.plan = rejection(
      'CONFLICT',
      `a transfer of this certification to another RCB is open: after notice of a transfer the issuing RCB may suspend or withdraw it only if the organization no longer conforms (IAF MD 2); use suspendCertification or withdrawCertification with conformityJustification`,
    );
  }
}
