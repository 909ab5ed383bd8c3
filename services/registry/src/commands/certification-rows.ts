import { randomUUID } from 'node:crypto';
import { Events, recordEvent, type PayloadOf } from '@iso20000/events';
import type { EntityManager } from 'typeorm';
import type { OrganizationDetails } from '../domain/certification-import';
import {
  changedFields,
  type CertificationState,
  type LifecycleStep,
} from '../domain/certification-lifecycle';
import type { CalendarDate } from '../domain/calendar-date';
import { foldName } from '../domain/search-text';
import { CertificationHistoryEntity } from '../entities/certification-history.entity';
import { CertifiedOrganizationEntity } from '../entities/certified-organization.entity';
import { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import { refreshCertificationFlags } from './refresh-certification-flags';

/**
 * The rows a certification change writes (the certification, its history entry, its event), shared
 * by the commands; each command runs them in its own transaction.
 */

/** The lifecycle state held by a certification row. */
export function stateOf(entity: OrganizationCertificationEntity): CertificationState {
  return {
    rcbId: entity.rcbId,
    certificateNumber: entity.certificateNumber,
    standard: entity.standard,
    scope: entity.scope,
    sites: entity.sites,
    originalIssueDate: entity.originalIssueDate,
    cycleStart: entity.cycleStart,
    expiry: entity.expiry,
    surveillanceAudits: entity.surveillanceAudits,
    status: entity.status,
    statusReason: entity.statusReason,
    suspendedOn: entity.suspendedOn,
    suspendedUntil: entity.suspendedUntil,
  };
}

export interface ChangeAuthor {
  /** `credential:<id>` for an RCB integration, `system:expiry` for the job. */
  actor: string;
  requestId?: string;
  /** The RCB whose integration made the change: its registry data is fresh as of now. */
  rcbId?: string;
}

/**
 * The RCB changed its registry data: its freshness moves to now (kept to the minute, so concurrent
 * changes of one RCB do not queue on its row for a timestamp).
 */
export async function noteRcbDataChanged(
  manager: EntityManager,
  author: ChangeAuthor,
  now: Date,
): Promise<void> {
  if (!author.rcbId) return;
  await manager.query(
    `UPDATE "rcb" SET "last_data_change_at" = $2, "data_as_of" = GREATEST("data_as_of", $2)
     WHERE "id" = $1 AND ("last_data_change_at" IS NULL OR "last_data_change_at" < $2::timestamptz - interval '1 minute')`,
    [author.rcbId, now],
  );
}

/** The certification row after a step, without touching the database. */
export function certificationAfter(
  before: OrganizationCertificationEntity | null,
  step: LifecycleStep,
  ids: { id: string; organizationId: string },
  now: Date,
): OrganizationCertificationEntity {
  const entity = new OrganizationCertificationEntity();
  Object.assign(entity, {
    id: ids.id,
    organizationId: ids.organizationId,
    ...step.state,
    // derived from the RCB's status, not a lifecycle step: a change keeps it
    transferDeadline: before?.transferDeadline ?? null,
    version: before ? before.version + 1 : 1,
    createdAt: before ? before.createdAt : now,
    updatedAt: now,
  });
  return entity;
}

export function historyEntry(
  before: OrganizationCertificationEntity | null,
  after: OrganizationCertificationEntity,
  step: LifecycleStep,
  author: ChangeAuthor,
  now: Date,
  fields?: string[],
): CertificationHistoryEntity {
  const entry = new CertificationHistoryEntity();
  const previous = before ? stateOf(before) : null;
  Object.assign(entry, {
    id: randomUUID(),
    certificationId: after.id,
    version: after.version,
    change: step.change,
    status: after.status,
    previousStatus: before?.status ?? null,
    rcbId: after.rcbId,
    previousRcbId: before && before.rcbId !== after.rcbId ? before.rcbId : null,
    certificateNumber: after.certificateNumber,
    effectiveOn: step.effectiveOn,
    reason: step.state.statusReason,
    changedFields: fields ?? (previous ? changedFields(previous, step.state) : []),
    snapshot: step.state,
    actor: author.actor,
    requestId: author.requestId ?? null,
    recordedAt: now,
  });
  return entry;
}

/**
 * The event of one change. `before` is the certification as it was (null for a new one): when the
 * change moved it to another RCB (a completed transfer), `previousRcbId` names the RCB that lost it,
 * so that RCB's integrations learn it is no longer theirs.
 */
export function certificationChangedPayload(
  after: OrganizationCertificationEntity,
  step: LifecycleStep,
  now: Date,
  before: Pick<OrganizationCertificationEntity, 'rcbId'> | null = null,
): PayloadOf<typeof Events.CertificationChanged> {
  return {
    certificationId: after.id,
    rcbId: after.rcbId,
    certificateNumber: after.certificateNumber,
    organizationId: after.organizationId,
    change: step.change,
    status: after.status,
    version: after.version,
    changedAt: now.toISOString(),
    previousRcbId: before && before.rcbId !== after.rcbId ? before.rcbId : null,
  };
}

/** `registry.certification.changed`, written to the outbox in the caller's transaction. */
export async function recordCertificationChanged(
  manager: EntityManager,
  after: OrganizationCertificationEntity,
  step: LifecycleStep,
  author: ChangeAuthor,
  now: Date,
  before: OrganizationCertificationEntity | null = null,
): Promise<void> {
  await recordEvent(
    manager,
    Events.CertificationChanged,
    certificationChangedPayload(after, step, now, before),
    { requestId: author.requestId },
  );
}

/**
 * Saves one lifecycle step of an existing certification (locked by the caller): the new row state,
 * its history entry and its event, all in the caller's transaction.
 */
export async function saveStep(
  manager: EntityManager,
  before: OrganizationCertificationEntity,
  step: LifecycleStep,
  author: ChangeAuthor,
  asOf: CalendarDate,
): Promise<OrganizationCertificationEntity> {
  const now = new Date();
  const after = certificationAfter(
    before,
    step,
    { id: before.id, organizationId: before.organizationId },
    now,
  );
  // the caller holds the row lock; the version guard is belt and braces
  const result = await manager
    .getRepository(OrganizationCertificationEntity)
    .update(
      { id: before.id, version: before.version },
      { ...step.state, version: after.version, updatedAt: now },
    );
  if (result.affected !== 1) throw new Error(`certification ${before.id} changed under a row lock`);
  await manager
    .getRepository(CertificationHistoryEntity)
    .insert(historyEntry(before, after, step, author, now));
  await recordCertificationChanged(manager, after, step, author, now, before);
  await noteRcbDataChanged(manager, author, now);
  // a change clears (or raises) its flags at once: the worklist never waits for the daily job
  await refreshCertificationFlags(manager, [after.id], asOf, { requestId: author.requestId });
  return after;
}

/** Entities survive a JSON round trip (idempotency records) except their timestamps. */
export function certificationFromJson(json: unknown): OrganizationCertificationEntity {
  const raw = json as OrganizationCertificationEntity & { createdAt: string; updatedAt: string };
  const entity = new OrganizationCertificationEntity();
  Object.assign(entity, raw, { createdAt: new Date(raw.createdAt), updatedAt: new Date(raw.updatedAt) });
  return entity;
}

/** Builds the organization row for new (checked) details. */
export function organizationRow(
  id: string,
  details: OrganizationDetails,
  now: Date,
  createdAt?: Date,
): CertifiedOrganizationEntity {
  const org = new CertifiedOrganizationEntity();
  Object.assign(org, {
    id,
    ...details,
    searchText: [details.legalName, ...details.otherNames].join(' | '),
    sortName: foldName(details.legalName),
    createdAt: createdAt ?? now,
    updatedAt: now,
  });
  return org;
}
