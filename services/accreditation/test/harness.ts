import { randomUUID } from 'node:crypto';
import { PUBLIC_VIEWER, type Viewer } from '@iso20000/auth';
import { ensureStreams, removeStreams, wireSubject, type EventDefinition } from '@iso20000/events';
import { createLogger } from '@iso20000/service-kit';
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
import { accreditationServiceConfig, buildService, type AccreditationService } from '../src/server';
import { loadConfig } from '@iso20000/service-kit';

/** One test file's accreditation service: its own database and events namespace, real PostgreSQL and NATS. */
export interface Harness {
  db: TestDatabase;
  nc: NatsConnection;
  namespace: string;
  service: AccreditationService;
  /** Runs an operation as a viewer, in process (the identity is given, as the gateway would forward it). */
  as<TData = Record<string, unknown>>(
    viewer: Viewer,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<OperationResult<TData>>;
  /** Publishes an event of another service onto the bus, as that service's outbox relay would. */
  publish<T>(def: EventDefinition<T>, payload: T): Promise<string>;
  close(): Promise<void>;
}

export const schemeStaff: Viewer = { role: 'scheme_staff', subject: 'staff-1', name: 'Sam Scheme' };
export const publicViewer: Viewer = PUBLIC_VIEWER;
export const atoStaff = (atoId: string): Viewer => ({
  role: 'ato_staff',
  subject: `ato-staff-${atoId.slice(0, 8)}`,
  atoId,
});
export const rcbIntegration = (rcbId: string): Viewer => ({
  role: 'rcb_integration',
  subject: `credential:${rcbId}`,
  rcbId,
  credentialId: randomUUID(),
});
export const candidate = (candidateId: string): Viewer => ({
  role: 'candidate',
  subject: `candidate-${candidateId}`,
  candidateId,
});

export async function startHarness(): Promise<Harness> {
  const namespace = testNamespace('acc');
  const db = await createTestDatabase('accreditation', { entities, migrations });
  const nc = await connectTestNats();
  await ensureStreams(nc, namespace);
  const logger = createLogger('accreditation-test', process.env.LOG_LEVEL ?? 'silent');
  const config = loadConfig(accreditationServiceConfig, {
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: db.url,
    EVENTS_NAMESPACE: namespace,
    AUTH_DEV_SECRET: TEST_AUTH_SECRET,
  });
  const service = await buildService({ dataSource: db.dataSource, nc, namespace, logger, config });
  await service.start();
  const js = nc.jetstream();
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
    async publish(def, payload) {
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

export const APPLY_ATO = `
  mutation Apply($input: AtoApplicationInput!) {
    applyForAtoAccreditation(input: $input) { id name status }
  }`;

export function atoApplication(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Service Excellence Training',
    country: 'GB',
    companyDetails: {
      legalName: 'Service Excellence Ltd',
      registrationNumber: '01234567',
      address: ['1 High Street', 'Leeds'],
      website: 'https://se.example',
    },
    contacts: [{ name: 'Ann Lee', email: 'ann@se.example', phone: '+44 113 000', role: 'Director' }],
    examLevels: ['FOUNDATION', 'PRACTITIONER', 'AUDITOR'],
    languages: ['en', 'de'],
    deliveryModes: ['CLASSROOM', 'VIRTUAL', 'SELF_STUDY'],
    ...overrides,
  };
}

export function rcbApplication(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Certify Europe',
    country: 'DE',
    companyDetails: { legalName: 'Certify Europe GmbH', address: ['Hauptstr. 1', 'Berlin'] },
    contacts: [{ name: 'Bert Kuhn', email: 'bert@certify.example' }],
    nationalAccreditationBody: 'DAkkS',
    accreditationReference: 'D-ZM-12345-01-00',
    countriesServed: ['DE', 'AT', 'CH'],
    ...overrides,
  };
}

/** Applies and walks an ATO to ACCREDITED through the API, as scheme staff would. */
export async function accreditedAto(h: Harness, overrides: Record<string, unknown> = {}): Promise<string> {
  const applied = await h.as<{ applyForAtoAccreditation: { id: string } }>(publicViewer, APPLY_ATO, {
    input: atoApplication(overrides),
  });
  if (!applied.data) throw new Error(JSON.stringify(applied.errors));
  const id = applied.data.applyForAtoAccreditation.id;
  const begin = await h.as(schemeStaff, `mutation($id: ID!) { beginAtoAssessment(atoId: $id) { status } }`, {
    id,
  });
  const decide = await h.as(
    schemeStaff,
    `mutation($id: ID!) { decideAtoApplication(atoId: $id, decision: ACCREDIT, notes: "meets the criteria") { status } }`,
    { id },
  );
  if (begin.errors || decide.errors) throw new Error(JSON.stringify([begin.errors, decide.errors]));
  return id;
}

export async function appointedRcb(h: Harness, overrides: Record<string, unknown> = {}): Promise<string> {
  const applied = await h.as<{ applyForRcbAppointment: { id: string } }>(
    publicViewer,
    `mutation($input: RcbApplicationInput!) { applyForRcbAppointment(input: $input) { id } }`,
    { input: rcbApplication(overrides) },
  );
  if (!applied.data) throw new Error(JSON.stringify(applied.errors));
  const id = applied.data.applyForRcbAppointment.id;
  await h.as(schemeStaff, `mutation($id: ID!) { beginRcbAssessment(rcbId: $id) { status } }`, { id });
  const decided = await h.as(
    schemeStaff,
    `mutation($id: ID!) { decideRcbApplication(rcbId: $id, decision: APPOINT, notes: "accredited by DAkkS") { status } }`,
    { id },
  );
  if (decided.errors) throw new Error(JSON.stringify(decided.errors));
  return id;
}
