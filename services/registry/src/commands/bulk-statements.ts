import type { EntityManager } from 'typeorm';
import type { CertificationHistoryEntity } from '../entities/certification-history.entity';
import type { CertifiedOrganizationEntity } from '../entities/certified-organization.entity';
import type { OrganizationCertificationEntity } from '../entities/organization-certification.entity';

/**
 * Multi-row inserts for the bulk import: the rows travel as ONE jsonb parameter and PostgreSQL
 * unpacks them (jsonb_to_recordset), which is several times faster than thousands of bind
 * parameters built by the ORM. Column lists mirror the entities (the migration drift check guards them).
 */
async function insertRecordset(
  manager: EntityManager,
  table: string,
  columns: [string, string][],
  rows: object[],
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map(([name]) => `"${name}"`).join(', ');
  const definition = columns.map(([name, type]) => `"${name}" ${type}`).join(', ');
  await manager.query(
    `INSERT INTO "${table}" (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS r(${definition})`,
    [JSON.stringify(rows)],
  );
}

type Columns = [string, string][];

const ORGANIZATION_COLUMNS: Columns = [
  ['id', 'uuid'],
  ['legal_name', 'text'],
  ['other_names', 'jsonb'],
  ['country', 'text'],
  ['address', 'jsonb'],
  ['public_listing', 'boolean'],
  ['search_text', 'text'],
  ['sort_name', 'text'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
];

const organizationRow = (o: CertifiedOrganizationEntity) => ({
  id: o.id,
  legal_name: o.legalName,
  other_names: o.otherNames,
  country: o.country,
  address: o.address,
  public_listing: o.publicListing,
  search_text: o.searchText,
  sort_name: o.sortName,
  created_at: o.createdAt,
  updated_at: o.updatedAt,
});

const CERTIFICATION_COLUMNS: Columns = [
  ['id', 'uuid'],
  ['organization_id', 'uuid'],
  ['rcb_id', 'uuid'],
  ['certificate_number', 'text'],
  ['standard', 'text'],
  ['scope', 'text'],
  ['sites', 'jsonb'],
  ['original_issue_date', 'date'],
  ['cycle_start', 'date'],
  ['expiry', 'date'],
  ['surveillance_audits', 'jsonb'],
  ['status', 'text'],
  ['status_reason', 'text'],
  ['suspended_on', 'date'],
  ['suspended_until', 'date'],
  ['version', 'integer'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
];

const certificationRow = (c: OrganizationCertificationEntity) => ({
  id: c.id,
  organization_id: c.organizationId,
  rcb_id: c.rcbId,
  certificate_number: c.certificateNumber,
  standard: c.standard,
  scope: c.scope,
  sites: c.sites,
  original_issue_date: c.originalIssueDate,
  cycle_start: c.cycleStart,
  expiry: c.expiry,
  surveillance_audits: c.surveillanceAudits,
  status: c.status,
  status_reason: c.statusReason,
  suspended_on: c.suspendedOn,
  suspended_until: c.suspendedUntil,
  version: c.version,
  created_at: c.createdAt,
  updated_at: c.updatedAt,
});

export function insertOrganizations(
  manager: EntityManager,
  rows: CertifiedOrganizationEntity[],
): Promise<void> {
  return insertRecordset(manager, 'certified_organization', ORGANIZATION_COLUMNS, rows.map(organizationRow));
}

export function insertCertifications(
  manager: EntityManager,
  rows: OrganizationCertificationEntity[],
): Promise<void> {
  return insertRecordset(
    manager,
    'organization_certification',
    CERTIFICATION_COLUMNS,
    rows.map(certificationRow),
  );
}

/** Rewrites whole rows by id (created_at and the id itself stay). */
async function updateRecordset(
  manager: EntityManager,
  table: string,
  columns: Columns,
  rows: object[],
): Promise<void> {
  if (rows.length === 0) return;
  const definition = columns.map(([name, type]) => `"${name}" ${type}`).join(', ');
  const assignments = columns
    .filter(([name]) => name !== 'id' && name !== 'created_at')
    .map(([name]) => `"${name}" = r."${name}"`)
    .join(', ');
  await manager.query(
    `UPDATE "${table}" AS t SET ${assignments} FROM jsonb_to_recordset($1::jsonb) AS r(${definition}) WHERE t."id" = r."id"`,
    [JSON.stringify(rows)],
  );
}

export function updateOrganizations(
  manager: EntityManager,
  rows: CertifiedOrganizationEntity[],
): Promise<void> {
  return updateRecordset(manager, 'certified_organization', ORGANIZATION_COLUMNS, rows.map(organizationRow));
}

export function updateCertifications(
  manager: EntityManager,
  rows: OrganizationCertificationEntity[],
): Promise<void> {
  return updateRecordset(
    manager,
    'organization_certification',
    CERTIFICATION_COLUMNS,
    rows.map(certificationRow),
  );
}

export function insertHistory(manager: EntityManager, rows: CertificationHistoryEntity[]): Promise<void> {
  return insertRecordset(
    manager,
    'certification_history',
    [
      ['id', 'uuid'],
      ['certification_id', 'uuid'],
      ['version', 'integer'],
      ['change', 'text'],
      ['status', 'text'],
      ['previous_status', 'text'],
      ['rcb_id', 'uuid'],
      ['previous_rcb_id', 'uuid'],
      ['certificate_number', 'text'],
      ['effective_on', 'date'],
      ['reason', 'text'],
      ['changed_fields', 'jsonb'],
      ['snapshot', 'jsonb'],
      ['actor', 'text'],
      ['request_id', 'text'],
      ['recorded_at', 'timestamptz'],
    ],
    rows.map((h) => ({
      id: h.id,
      certification_id: h.certificationId,
      version: h.version,
      change: h.change,
      status: h.status,
      previous_status: h.previousStatus,
      rcb_id: h.rcbId,
      previous_rcb_id: h.previousRcbId,
      certificate_number: h.certificateNumber,
      effective_on: h.effectiveOn,
      reason: h.reason,
      changed_fields: h.changedFields,
      snapshot: h.snapshot,
      actor: h.actor,
      request_id: h.requestId,
      recorded_at: h.recordedAt,
    })),
  );
}
