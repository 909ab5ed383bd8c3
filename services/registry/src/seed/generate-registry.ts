import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { RCB_ACTIVE_STATUS, type RcbStatus } from '@iso20000/scheme';
import { createLogger, openDataSource } from '@iso20000/service-kit';
import { SingleBar, Presets } from 'cli-progress';
import { entities, migrations } from '../data-source';
import { addDays, addMonths, todayUtc } from '../domain/calendar-date';
import { foldName } from '../domain/search-text';
import {
  defaultExpiry,
  surveillanceSchedule,
  type CertificationChange,
  type CertificationState,
  type CertificationStatus,
} from '../domain/certification-lifecycle';
import { CertificationHistoryEntity } from '../entities/certification-history.entity';
import { CertifiedOrganizationEntity } from '../entities/certified-organization.entity';
import { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import { insertCertifications, insertHistory, insertOrganizations } from '../commands/bulk-statements';
import {
  pick,
  randomGenerator,
  runMaintenance,
  seededRcbId,
  seededRcbName,
  seededRcbStatus,
} from '@iso20000/seed-kit';
import { fakeOrganization, fakeScope } from './registry-fixtures';

/**
 * Fills a registry database with realistic volume: organizations, certifications of every status
 * (with their history) and the RCBs they belong to, in multi-row batches.
 *
 *   node -r @swc-node/register services/registry/src/seed/generate-registry.ts \
 *     --organizations 60000 --certifications 100000 --rcbs 300 [--database-url ...] [--seed 1] [--append]
 *
 * RCB ids and names come from @iso20000/seed-kit, so accreditation's seed (--rcbs) appoints the same RCBs. The registry's
 * copy of their status is written directly here (normally it comes from accreditation's events).
 * Seeded rows publish no events: they are history, not news.
 */

const { values } = parseArgs({
  options: {
    organizations: { type: 'string', default: '60000' },
    certifications: { type: 'string', default: '100000' },
    rcbs: { type: 'string', default: '300' },
    'database-url': {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/iso20000_registry',
    },
    seed: { type: 'string', default: '20000' },
    'batch-size': { type: 'string', default: '2000' },
    append: { type: 'boolean', default: false },
  },
});

const organizations = Number(values.organizations);
const certifications = Number(values.certifications);
const rcbCount = Number(values.rcbs);
const batchSize = Number(values['batch-size']);
if (
  ![organizations, certifications, rcbCount, batchSize].every((n) => Number.isInteger(n) && n > 0) ||
  certifications < organizations
) {
  process.stderr.write(
    '--organizations, --certifications, --rcbs must be positive integers, with certifications >= organizations\n',
  );
  process.exit(2);
}

const SEED_ACTOR = 'system:seed';

async function main(): Promise<void> {
  const logger = createLogger('registry-seed', process.env.LOG_LEVEL ?? 'warn');
  const dataSource = await openDataSource({
    url: values['database-url'] as string,
    entities,
    migrations,
    logger,
    poolSize: 2,
  });
  const random = randomGenerator(Number(values.seed));
  const today = todayUtc();
  const started = Date.now();
  try {
    if (!values.append) {
      // CASCADE: every table that refers to certifications (transfers, flags, whatever comes next)
      // goes with them, rather than a list here that each new table breaks.
      await dataSource.query(
        `TRUNCATE "certification_history", "organization_certification", "certified_organization", "idempotency_record", "rcb" CASCADE`,
      );
    }

    const rcbs = Array.from({ length: rcbCount }, (_, i) => {
      const status: RcbStatus = seededRcbStatus(i);
      return {
        id: seededRcbId(i),
        name: seededRcbName(i),
        status,
        status_reason: status === RCB_ACTIVE_STATUS ? null : 'seeded',
        status_changed_at: new Date().toISOString(),
      };
    });
    await dataSource.query(
      `INSERT INTO "rcb" ("id", "name", "status", "status_reason", "status_changed_at")
       SELECT id, name, status, status_reason, status_changed_at FROM jsonb_to_recordset($1::jsonb)
         AS r(id uuid, name text, status text, status_reason text, status_changed_at timestamptz)
       ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name", "status" = EXCLUDED."status"`,
      [JSON.stringify(rcbs)],
    );

    const bar = new SingleBar(
      {
        format:
          'registry seed |{bar}| {percentage}% | {value}/{total} certifications | {rate}/s | ETA {eta}s',
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    bar.start(certifications, 0, { rate: 0 });

    // every organization gets one certification; the extra ones go to organizations certified twice
    // (a second RCB, or an old 2011 certification kept for history)
    const orgIds: string[] = [];
    let written = 0;
    let numberCounter = 0;
    for (let start = 0; start < certifications; start += batchSize) {
      const size = Math.min(batchSize, certifications - start);
      const now = new Date();
      const orgRows: CertifiedOrganizationEntity[] = [];
      const certRows: OrganizationCertificationEntity[] = [];
      const historyRows: CertificationHistoryEntity[] = [];
      for (let k = 0; k < size; k++) {
        const index = start + k;
        let organizationId: string;
        let historical = false;
        if (index < organizations) {
          const fake = fakeOrganization(random, index);
          const org = new CertifiedOrganizationEntity();
          Object.assign(org, {
            id: randomUUID(),
            legalName: fake.legalName,
            otherNames: fake.otherNames,
            country: fake.country,
            address: {
              lines: [
                `${1 + Math.floor(random() * 200)} ${pick(random, ['Main Street', 'Rua Augusta', 'Hauptstraße', 'Rue de la Paix'])}`,
              ],
              city: fake.city,
              postalCode: String(10000 + Math.floor(random() * 89999)),
              country: fake.country,
            },
            publicListing: fake.publicListing,
            searchText: [fake.legalName, ...fake.otherNames].join(' | '),
            sortName: foldName(fake.legalName),
            createdAt: now,
            updatedAt: now,
          });
          orgRows.push(org);
          orgIds.push(org.id);
          organizationId = org.id;
        } else {
          organizationId = orgIds[Math.floor(random() * orgIds.length)];
          historical = random() < 0.5;
        }
        const rcbIndex = Math.floor(random() * rcbCount);
        const { state, steps } = fakeCertification(
          random,
          rcbs[rcbIndex].id,
          `${rcbPrefix(rcbIndex)}-${String(++numberCounter).padStart(7, '0')}`,
          today,
          historical,
        );
        const cert = new OrganizationCertificationEntity();
        Object.assign(cert, {
          id: randomUUID(),
          organizationId,
          ...state,
          version: steps.length,
          createdAt: now,
          updatedAt: now,
        });
        certRows.push(cert);
        steps.forEach((step, i) => {
          const entry = new CertificationHistoryEntity();
          Object.assign(entry, {
            id: randomUUID(),
            certificationId: cert.id,
            version: i + 1,
            change: step.change,
            status: step.status,
            previousStatus: i === 0 ? null : steps[i - 1].status,
            rcbId: state.rcbId,
            previousRcbId: null,
            certificateNumber: state.certificateNumber,
            effectiveOn: step.effectiveOn,
            reason: step.status === 'CERTIFIED' ? null : state.statusReason,
            changedFields: i === 0 ? [] : ['status'],
            snapshot: { ...state, status: step.status },
            actor: SEED_ACTOR,
            requestId: null,
            recordedAt: now,
          });
          historyRows.push(entry);
        });
      }
      await dataSource.transaction(async (manager) => {
        await insertOrganizations(manager, orgRows);
        await insertCertifications(manager, certRows);
        await insertHistory(manager, historyRows);
      });
      written += size;
      bar.update(written, { rate: Math.round(written / ((Date.now() - started) / 1000)) });
    }
    bar.stop();
    await runMaintenance(dataSource, ['ANALYZE']);
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `registry seeded: ${Math.min(organizations, certifications)} organizations, ${certifications} certifications, ${rcbCount} RCBs in ${seconds.toFixed(1)} s (${Math.round(certifications / seconds)} certifications/s)\n`,
    );
  } finally {
    await dataSource.destroy();
  }
}

function rcbPrefix(index: number): string {
  return `R${String(index).padStart(3, '0')}`;
}

interface SeedStep {
  change: CertificationChange;
  status: CertificationStatus;
  effectiveOn: string;
}

/** One certification somewhere in its lifecycle, with the steps that led there. */
function fakeCertification(
  random: () => number,
  rcbId: string,
  certificateNumber: string,
  today: string,
  historical: boolean,
): { state: CertificationState; steps: SeedStep[] } {
  const roll = random();
  const status: CertificationStatus = historical
    ? 'EXPIRED'
    : roll < 0.82
      ? 'CERTIFIED'
      : roll < 0.87
        ? 'SUSPENDED'
        : roll < 0.94
          ? 'WITHDRAWN'
          : 'EXPIRED';
  // a live cycle started within the last three years; an expired one ended before today
  const cycleStart =
    status === 'EXPIRED'
      ? addDays(today, -(1100 + Math.floor(random() * 2000)))
      : addDays(today, -Math.floor(random() * 1000));
  const expiry = defaultExpiry(cycleStart);
  const originalIssueDate = random() < 0.4 ? addDays(cycleStart, -1095) : cycleStart;
  const audits = surveillanceSchedule(cycleStart, expiry).map((audit) => ({
    dueDate: audit.dueDate,
    doneOn: audit.dueDate < today ? addDays(audit.dueDate, -Math.floor(random() * 30)) : null,
  }));
  const suspendedOn = status === 'SUSPENDED' ? addDays(today, -Math.floor(random() * 60)) : null;
  const state: CertificationState = {
    rcbId,
    certificateNumber,
    standard: historical || cycleStart < '2021-01-01' ? 'ISO_IEC_20000_1_2011' : 'ISO_IEC_20000_1_2018',
    scope: fakeScope(random),
    sites: [],
    originalIssueDate,
    cycleStart,
    expiry,
    surveillanceAudits: audits,
    status,
    statusReason:
      status === 'SUSPENDED'
        ? 'Major nonconformity at surveillance audit'
        : status === 'WITHDRAWN'
          ? 'Withdrawn at the client’s request'
          : null,
    suspendedOn,
    suspendedUntil: suspendedOn ? addMonths(suspendedOn, 6) : null,
  };
  const steps: SeedStep[] = [{ change: 'ISSUED', status: 'CERTIFIED', effectiveOn: originalIssueDate }];
  if (status === 'SUSPENDED') steps.push({ change: 'SUSPENDED', status, effectiveOn: suspendedOn as string });
  if (status === 'WITHDRAWN')
    steps.push({ change: 'WITHDRAWN', status, effectiveOn: addDays(cycleStart, Math.floor(random() * 500)) });
  if (status === 'EXPIRED') steps.push({ change: 'EXPIRED', status, effectiveOn: addDays(expiry, 1) });
  return { state, steps };
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
