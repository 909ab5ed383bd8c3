import { randomUUID } from 'node:crypto';
import { PUBLIC_VIEWER, type Viewer } from '@iso20000/auth';
import { ensureStreams, Events, removeStreams, wireSubject, type EventDefinition } from '@iso20000/events';
import { createLogger, loadConfig } from '@iso20000/service-kit';
import {
  connectTestNats,
  createTestDatabase,
  executeOperation,
  TEST_AUTH_SECRET,
  testNamespace,
  type OperationResult,
  type TestDatabase,
} from '@iso20000/testing';
import type { NatsConnection } from 'nats';
import { entities, migrations } from '../src/data-source';
import type { RcbStatus } from '../src/domain/certification-lifecycle';
import { buildService, registryServiceConfig, type RegistryService } from '../src/server';

/** One test file's registry service: its own database and events namespace, real PostgreSQL and NATS. */
export interface Harness {
  db: TestDatabase;
  nc: NatsConnection;
  namespace: string;
  service: RegistryService;
  /** Runs an operation as a viewer, in process (the identity as the gateway would forward it). */
  as<TData = Record<string, unknown>>(
    viewer: Viewer,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<OperationResult<TData>>;
  /** Publishes an event of another service onto the bus, as that service's outbox relay would. */
  publish<T>(def: EventDefinition<T>, payload: T): Promise<string>;
  /** Accreditation says: this RCB is now in this status (through NATS and the consumer); waits until applied. */
  setRcbStatus(rcbId: string, status: RcbStatus, name?: string): Promise<void>;
  close(): Promise<void>;
}

export const schemeStaff: Viewer = { role: 'scheme_staff', subject: 'staff-1', name: 'Sam Scheme' };
export const publicViewer: Viewer = PUBLIC_VIEWER;
export const rcbIntegration = (rcbId: string): Viewer => ({
  role: 'rcb_integration',
  subject: `credential:${rcbId.slice(0, 8)}`,
  rcbId,
  credentialId: randomUUID(),
});

export async function startHarness(): Promise<Harness> {
  const namespace = testNamespace('reg');
  const db = await createTestDatabase('registry', { entities, migrations });
  const nc = await connectTestNats();
  await ensureStreams(nc, namespace);
  const logger = createLogger('registry-test', process.env.LOG_LEVEL ?? 'silent');
  const config = loadConfig(registryServiceConfig, {
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: db.url,
    EVENTS_NAMESPACE: namespace,
    AUTH_DEV_SECRET: TEST_AUTH_SECRET,
    REGISTRY_EXPIRY_INTERVAL_MS: '3600000',
  });
  const service = await buildService({ dataSource: db.dataSource, nc, namespace, logger, config });
  await service.start();
  const js = nc.jetstream();
  const publish = async <T>(def: EventDefinition<T>, payload: T): Promise<string> => {
    const id = randomUUID();
    const envelope = {
      id,
      subject: def.subject,
      version: def.version,
      occurredAt: new Date().toISOString(),
      payload,
    };
    await js.publish(wireSubject(def.subject, namespace), JSON.stringify(envelope), { msgID: id });
    return id;
  };
  return {
    db,
    nc,
    namespace,
    service,
    as: (viewer, query, variables) =>
      executeOperation(
        service.apollo,
        { query, variables },
        service.contextFor({ requestId: randomUUID(), viewer, logger }),
      ),
    publish,
    async setRcbStatus(rcbId, status, name = `RCB ${rcbId.slice(0, 4)}`) {
      const changedAt = new Date().toISOString();
      await publish(Events.RcbStatusChanged, {
        rcbId,
        name,
        status,
        previousStatus: null,
        reason: status === 'APPOINTED' ? null : 'test',
        changedAt,
      });
      await eventually(
        async () => {
          const rows = (await db.dataSource.query(
            `SELECT status FROM rcb WHERE id = $1 AND status_changed_at = $2`,
            [rcbId, changedAt],
          )) as unknown[];
          return rows.length ? true : undefined;
        },
        10_000,
        `RCB ${rcbId} to become ${status}`,
      );
    },
    async close() {
      await service.stop();
      await removeStreams(nc, namespace).catch(() => undefined);
      await nc.drain();
      await db.dispose();
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

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
