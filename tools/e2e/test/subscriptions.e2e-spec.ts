import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, TEST_AUTH_SECRET, testNatsUrl } from '@iso20000/testing';
import { composeSupergraph } from '@iso20000/tool-compose';
import { freePort } from '@iso20000/tool-dev';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ok as okThrough, releasedFoundationPass, startE2eSystem, type RunningSystem } from '../src/harness';
import { nodeArgsForSource } from '@iso20000/tool-dev/src/source-node';

// Subscriptions through the real gateway process, fed by the real registry and accreditation over
// NATS: an RCB subscribes, disconnects, three changes happen through the graph, it reconnects with
// its cursor (to a second gateway process) and receives exactly those three. Another RCB's changes
// never reach it; revoking its API key closes its connection within seconds.

let system: RunningSystem;
let second: ChildProcess | undefined;
let secondUrl: string;
const clients: Client[] = [];
const ok = <T>(query: string, variables: Record<string, unknown> = {}, token?: string) =>
  okThrough<T>(system, query, variables, token);
let staff: string;
const supergraphPath = join(mkdtempSync(join(tmpdir(), 'e2e-subscriptions-')), 'supergraph.graphql');

/** A second gateway on the same bus and subgraphs (a replica), itself two worker processes. */
async function startSecondGateway(): Promise<string> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    nodeArgsForSource(join(__dirname, '..', '..', '..', 'gateway', 'src', 'main.ts')),
    {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        NATS_URL: testNatsUrl(),
        EVENTS_NAMESPACE: system.namespace ?? '',
        AUTH_DEV_SECRET: TEST_AUTH_SECRET,
        SUPERGRAPH_PATH: supergraphPath,
        EXAM_URL: system.urls.exam,
        ACCREDITATION_URL: system.urls.accreditation,
        CERTIFICATE_URL: system.urls.certificate,
        REGISTRY_URL: system.urls.registry,
        // two node:cluster workers sharing its port: each serves subscriptions from JetStream itself
        GATEWAY_WORKERS: '2',
      },
      stdio: 'ignore',
    },
  );
  second = child;
  await eventually(
    async () => ((await fetch(`http://127.0.0.1:${port}/ready`).catch(() => null))?.ok ? true : undefined),
    60_000,
    'the second gateway',
  );
  return `ws://127.0.0.1:${port}/graphql`;
}

beforeAll(async () => {
  const composed = composeSupergraph();
  if (!composed.ok) throw new Error(composed.errors.join('\n'));
  writeFileSync(supergraphPath, composed.supergraphSdl);
  system = await startE2eSystem('e2esub', { SUPERGRAPH_PATH: supergraphPath });
  staff = await system.token('scheme_staff');
  secondUrl = await startSecondGateway();
}, 240_000);

afterEach(async () => {
  for (const client of clients.splice(0)) await client.dispose();
});

afterAll(async () => {
  if (second && second.exitCode === null) {
    const exited = new Promise((resolve) => second?.once('exit', resolve));
    second.kill('SIGTERM');
    await exited;
  }
  await system?.stop();
});

const wsUrl = () => system.gatewayUrl.replace(/^http/, 'ws');

interface Connection {
  client: Client;
  closed: Promise<{ code: number; reason: string }>;
}

function connect(url: string, authorization: string): Connection {
  let closedWith!: (event: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (closedWith = resolve));
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: { authorization },
    on: { closed: (event) => closedWith(event as { code: number; reason: string }) },
    onNonLazyError: () => undefined,
  });
  clients.push(client);
  return { client, closed };
}

type Update = { __typename: string; cursor: string } & Record<string, unknown>;
const RCB = `subscription($after: String) { rcbChanged(after: $after) {
  __typename
  ... on CursorAdvanced { cursor }
  ... on OrganizationCertificationChanged { cursor eventId certificateNumber rcbId change status version }
  ... on RcbAppointmentChanged { cursor rcbId rcbStatus }
} }`;

function follow(client: Client, variables: Record<string, unknown> = {}) {
  const updates: Update[] = [];
  const errors: unknown[] = [];
  client.subscribe<{ rcbChanged: Update }>(
    { query: RCB, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data?.rcbChanged) updates.push(result.data.rcbChanged);
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return { updates, errors, changes: () => updates.filter((u) => u.__typename !== 'CursorAdvanced') };
}

async function appointedRcb(name: string): Promise<{ rcbId: string; key: string; credentialId: string }> {
  const applied = await ok<{ applyForRcbAppointment: { id: string } }>(
    `mutation($input: RcbApplicationInput!) { applyForRcbAppointment(input: $input) { id } }`,
    {
      input: {
        name,
        country: 'DE',
        companyDetails: { legalName: `${name} GmbH`, address: ['Hauptstr. 1', 'Berlin'] },
        contacts: [{ name: 'Bert Kuhn', email: 'bert@e2e-cert.example' }],
        nationalAccreditationBody: 'DAkkS',
        accreditationReference: `D-ZM-${Math.floor(Math.random() * 90_000 + 10_000)}-01-00`,
        countriesServed: ['DE', 'GB'],
      },
    },
  );
  const rcbId = applied.applyForRcbAppointment.id;
  await ok(`mutation($id: ID!) { beginRcbAssessment(rcbId: $id) { status } }`, { id: rcbId }, staff);
  await ok(
    `mutation($id: ID!) { decideRcbApplication(rcbId: $id, decision: APPOINT, notes: "meets ISO/IEC 17021-1") { status } }`,
    { id: rcbId },
    staff,
  );
  const issued = await ok<{ createRcbCredential: { apiKey: string; credential: { id: string } } }>(
    `mutation($id: ID!) { createRcbCredential(rcbId: $id, label: "subscriptions") { apiKey credential { id } } }`,
    { id: rcbId },
    staff,
  );
  return {
    rcbId,
    key: `ApiKey ${issued.createRcbCredential.apiKey}`,
    credentialId: issued.createRcbCredential.credential.id,
  };
}

const today = () => new Date().toISOString().slice(0, 10);
const ISSUE = `mutation($input: IssueCertificationInput!, $key: String!) {
  issueCertification(input: $input, idempotencyKey: $key) { certification { id version } } }`;

async function issue(key: string, number: string): Promise<{ id: string; version: number }> {
  const address = { lines: ['1 Service Street'], city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' };
  return eventually(
    async () => {
      const result = await system.query<{
        issueCertification: { certification: { id: string; version: number } };
      }>(
        ISSUE,
        {
          input: {
            certificateNumber: number,
            organization: {
              legalName: `Subscribed Services ${number} Ltd`,
              otherNames: [],
              country: 'GB',
              address,
              publicListing: true,
            },
            scope: 'The provision of managed IT services',
            sites: [],
            cycleStart: today(),
          },
          key: randomUUID(),
        },
        key,
      );
      return result.data?.issueCertification?.certification ?? undefined;
    },
    30_000,
    `the registry to accept ${number}`,
  );
}

it('resumes an RCB’s subscription on another gateway with exactly the three changes it missed, keeps other RCBs’ changes from it, and closes it when its key is revoked', async () => {
  const [mine, theirs] = [await appointedRcb('E2E Subscribed Body'), await appointedRcb('E2E Other Body')];

  const first = connect(wsUrl(), mine.key);
  const feed = follow(first.client);
  const other = follow(connect(secondUrl, theirs.key).client);
  await eventually(async () => (feed.updates.length && other.updates.length) || undefined, 30_000, 'live');

  const certification = await issue(mine.key, 'E2E-SUB-1');
  await eventually(async () => feed.changes().length === 1 || undefined, 30_000, 'the issue');
  const [issued] = feed.changes();
  expect(issued).toMatchObject({
    certificateNumber: 'E2E-SUB-1',
    change: 'ISSUED',
    status: 'CERTIFIED',
    version: 1,
  });
  await first.client.dispose();

  // Three changes while it is away, through the graph; the other RCB issues in between.
  const change = (mutation: string, extra: string, version: number) =>
    ok(
      `mutation($id: ID!, $v: Int!, $key: String!) { ${mutation}(id: $id, expectedVersion: $v, idempotencyKey: $key${extra}) { certification { version } } }`,
      { id: certification.id, v: version, key: randomUUID() },
      mine.key,
    );
  await change('suspendCertification', ', reason: "nonconformity found at audit"', 1);
  await issue(theirs.key, 'E2E-SUB-OTHER');
  await change('reinstateCertification', ', reason: "corrective actions verified"', 2);
  await change('recordSurveillanceAudit', `, auditedOn: "${today()}"`, 3);

  const resumed = follow(connect(secondUrl, mine.key).client, { after: issued.cursor });
  await eventually(async () => resumed.changes().length >= 3 || undefined, 30_000, 'the missed changes');
  expect(resumed.changes().map((u) => [u.change, u.status, u.version])).toEqual([
    ['SUSPENDED', 'SUSPENDED', 2],
    ['REINSTATED', 'CERTIFIED', 3],
    ['SURVEILLANCE_RECORDED', 'CERTIFIED', 4],
  ]);
  expect(resumed.errors).toEqual([]);
  // the other RCB saw its own issue and nothing of ours
  await eventually(async () => other.changes().length >= 1 || undefined, 30_000, 'the other RCB’s issue');
  expect(other.changes().map((u) => u.certificateNumber)).toEqual(['E2E-SUB-OTHER']);

  // Revoking the key closes its connection (on the gateway it is connected to) within seconds.
  const watching = connect(wsUrl(), mine.key);
  follow(watching.client);
  await ok(
    `mutation($id: ID!) { revokeRcbCredential(credentialId: $id) { id } }`,
    { id: mine.credentialId },
    staff,
  );
  const closed = await watching.closed;
  expect(closed.code).toBe(4401);
  expect(resumed.changes()).toHaveLength(3);
}, 180_000);

it('publishes the subscription schema beside the query graph on the same port', async () => {
  const response = await fetch(system.gatewayUrl.replace(/\/graphql$/, '/subscriptions.graphql'));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const sdl = await response.text();
  expect(sdl).toContain('type Subscription {');
  expect(sdl).toContain('rcbChanged(rcbId: ID, after: String): RcbUpdate!');
  // and queries still answer on that port
  const verified = await system.query(`{ verifyCertificate(number: "F26-0000-0000") { status } }`);
  expect(verified.status).toBe(200);
});

it('tells a candidate of its released result and its certificate, and the public of that certificate’s revocation by number', async () => {
  const candidateId = randomUUID();
  const candidate = await system.token('candidate', { candidateId, name: 'Grace Hopper' });
  const updates: Update[] = [];
  const own = connect(wsUrl(), `Bearer ${candidate}`);
  own.client.subscribe<{ candidateChanged: Update }>(
    {
      query: `subscription { candidateChanged { __typename
        ... on CursorAdvanced { cursor }
        ... on SittingResultReleased { cursor sittingId passed }
        ... on CertificateIssued { cursor number sittingId holderName }
        ... on SittingVoided { cursor sittingId }
        ... on CertificateRevoked { cursor number } } }`,
    },
    {
      next: (r) => r.data && updates.push(r.data.candidateChanged),
      error: () => undefined,
      complete: () => undefined,
    },
  );
  await eventually(async () => updates.length || undefined, 30_000, 'live');

  const sittingId = await releasedFoundationPass(system, { staff, candidate });
  await eventually(
    async () => updates.some((u) => u.__typename === 'CertificateIssued') || undefined,
    30_000,
    'the certificate',
  );
  const changes = () => updates.filter((u) => u.__typename !== 'CursorAdvanced');
  expect(changes().map((u) => [u.__typename, u.sittingId])).toEqual([
    ['SittingResultReleased', sittingId],
    ['CertificateIssued', sittingId],
  ]);
  const number = String(changes()[1].number);

  // Anyone holding the number follows its status, written as a person would type it.
  const statuses: Update[] = [];
  const anonymous = connect(wsUrl(), '');
  anonymous.client.subscribe<{ certificateStatusChanged: Update }>(
    {
      query: `subscription($n: String!) { certificateStatusChanged(number: $n) { __typename
        ... on CursorAdvanced { cursor } ... on CertificateStatusChange { cursor number status } } }`,
      variables: { n: number.toLowerCase().replace(/-/g, ' ') },
    },
    {
      next: (r) => r.data && statuses.push(r.data.certificateStatusChanged),
      error: () => undefined,
      complete: () => undefined,
    },
  );
  await eventually(async () => statuses.length || undefined, 30_000, 'live');
  await ok(
    `mutation($input: VoidSittingInput!) { voidSitting(input: $input) { state } }`,
    { input: { sittingId, reason: 'Impersonation found on review' } },
    staff,
  );
  await eventually(async () => statuses.length >= 2 || undefined, 30_000, 'the revocation');
  expect(statuses[1]).toMatchObject({ __typename: 'CertificateStatusChange', number, status: 'REVOKED' });
  await eventually(
    async () => changes().length >= 4 || undefined,
    30_000,
    'the candidate’s void and revocation',
  );
  expect(changes().map((u) => u.__typename)).toEqual([
    'SittingResultReleased',
    'CertificateIssued',
    'SittingVoided',
    'CertificateRevoked',
  ]);
}, 120_000);
