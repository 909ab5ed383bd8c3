import { randomUUID } from 'node:crypto';
import { Events } from '@iso20000/events';
import type { RcbStatus } from '@iso20000/scheme';
import { loadConfig } from '@iso20000/service-kit';
import { eventually, startServiceHarness, type ServiceHarness } from '@iso20000/testing';
import type { ServiceContext } from '../src/context';
import { entities, migrations } from '../src/data-source';
import { registryServiceConfig } from '../src/config';
import { buildService, type RegistryService } from '../src/server';

/** One test file's registry service: its own database and events namespace, real PostgreSQL and NATS. */
export interface Harness extends ServiceHarness<RegistryService> {
  /** Accreditation says: this RCB is now in this status (through NATS and the consumer); waits until applied. */
  setRcbStatus(rcbId: string, status: RcbStatus, name?: string): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const h = await startServiceHarness<ServiceContext, RegistryService>({
    service: 'registry',
    entities,
    migrations,
    build: ({ env, ...deps }) =>
      buildService({
        ...deps,
        // The expiry job and the upload worker are driven by the tests themselves, not by the clock.
        config: loadConfig(registryServiceConfig, {
          ...env,
          REGISTRY_EXPIRY_INTERVAL_MS: '3600000',
          REGISTRY_UPLOAD_INTERVAL_MS: '3600000',
        }),
      }),
  });
  return {
    ...h,
    async setRcbStatus(rcbId, status, name = `RCB ${rcbId.slice(0, 4)}`) {
      const changedAt = new Date().toISOString();
      await h.publish(Events.RcbStatusChanged, {
        rcbId,
        name,
        status,
        previousStatus: null,
        reason: status === 'APPOINTED' ? null : 'test',
        changedAt,
      });
      await eventually(
        async () => {
          const rows = (await h.db.dataSource.query(
            `SELECT status FROM rcb WHERE id = $1 AND status_changed_at = $2`,
            [rcbId, changedAt],
          )) as unknown[];
          return rows.length ? true : undefined;
        },
        10_000,
        `RCB ${rcbId} to become ${status}`,
      );
    },
  };
}

export { eventually };

export const CERTIFICATION_FIELDS = `
  id certificateNumber version status statusReason cycleStart expiry originalIssueDate standard scope
  suspendedOn suspendedUntil rcb { id } rcbName rcbStatus
  surveillanceAudits { dueDate doneOn }
  organization { id legalName country publicListing }`;

export const ISSUE = `
  mutation Issue($input: IssueCertificationInput!, $key: String!) {
    issueCertification(input: $input, idempotencyKey: $key) { replayed certification { ${CERTIFICATION_FIELDS} } }
  }`;

export function address(country = 'GB') {
  return { lines: ['1 Service Street'], city: 'Leeds', postalCode: 'LS1 1AA', country };
}

export function issueInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    certificateNumber: `ITSM-${randomUUID().slice(0, 8)}`,
    organization: {
      legalName: 'Acme Services Ltd',
      otherNames: [],
      country: 'GB',
      address: address(),
      publicListing: true,
    },
    scope: 'The provision of IT services to customers',
    sites: [{ address: address(), scope: 'Service desk and operations' }],
    cycleStart: isoDaysFromToday(-30),
    ...overrides,
  };
}

export function isoDaysFromToday(days: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export const key = () => randomUUID();
