/**
 * State change -> GraphQL subscription payload, through the whole system: an RCB suspends and
 * reinstates its certification through the gateway (registry commits, outbox relay, JetStream) and
 * its `rcbChanged` subscription on the gateway receives each change. Prints p50/p95 from the
 * mutation's answer (the change committed) and from the mutation's request to the payload, with
 * other subscribers on the same gateway whose filters see every event and match none, and the time
 * a reconnecting client takes to replay every change from its first cursor.
 *
 *   npm run bench:subscriptions -- [--changes 200] [--subscribers 100]
 */
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startSystem, type RunningSystem } from '@iso20000/tool-dev/src/launcher';
import { summarizeLatencies, type LatencySummary } from './stats';

const log = (line: string) => process.stdout.write(`${line}\n`);
const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} needs a whole number`);
  return value;
};

async function ok<T>(system: RunningSystem, query: string, variables: object, token?: string): Promise<T> {
  const result = await system.query<T>(query, variables as Record<string, unknown>, token);
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An appointed RCB with an API key and one issued certification, made through the graph. */
async function rcbWithCertification(system: RunningSystem) {
  const staff = await system.token('scheme_staff');
  const { applyForRcbAppointment } = await ok<{ applyForRcbAppointment: { id: string } }>(
    system,
    'mutation($input: RcbApplicationInput!) { applyForRcbAppointment(input: $input) { id } }',
    {
      input: {
        name: 'Bench Certification Body',
        country: 'DE',
        companyDetails: { legalName: 'Bench Certification GmbH', address: ['Hauptstr. 1', 'Berlin'] },
        contacts: [{ name: 'Bert Kuhn', email: 'bert@bench-cert.example' }],
        nationalAccreditationBody: 'DAkkS',
        accreditationReference: 'D-ZM-12345-01-00',
        countriesServed: ['DE'],
      },
    },
  );
  const rcbId = applyForRcbAppointment.id;
  await ok(system, 'mutation($id: ID!) { beginRcbAssessment(rcbId: $id) { status } }', { id: rcbId }, staff);
  await ok(
    system,
    'mutation($id: ID!) { decideRcbApplication(rcbId: $id, decision: APPOINT, notes: "bench") { status } }',
    { id: rcbId },
    staff,
  );
  const { createRcbCredential } = await ok<{ createRcbCredential: { apiKey: string } }>(
    system,
    'mutation($id: ID!) { createRcbCredential(rcbId: $id, label: "bench") { apiKey } }',
    { id: rcbId },
    staff,
  );
  const key = `ApiKey ${createRcbCredential.apiKey}`;
  const certification = await until(async () => {
    const result = await system.query<{
      issueCertification: { certification: { id: string; version: number } };
    }>(
      `mutation($input: IssueCertificationInput!, $key: String!) {
        issueCertification(input: $input, idempotencyKey: $key) { certification { id version } } }`,
      {
        input: {
          certificateNumber: 'BENCH-SUB-1',
          organization: {
            legalName: 'Bench Subscribed Services Ltd',
            otherNames: [],
            country: 'DE',
            address: { lines: ['1 Bench Street'], city: 'Berlin', postalCode: '10115', country: 'DE' },
            publicListing: true,
          },
          scope: 'The provision of managed IT services',
          sites: [],
          cycleStart: new Date().toISOString().slice(0, 10),
        },
        key: randomUUID(),
      },
      key,
    );
    return result.data?.issueCertification?.certification ?? undefined;
  }, 'the registry to accept the RCB (appointment and credential events)');
  return { key, certification };
}

interface Payload {
  __typename: string;
  cursor: string;
  version?: number;
}

function subscribe(
  url: string,
  authorization: string,
  query: string,
  variables: Record<string, unknown>,
  onPayload: (payload: Payload) => void,
): Client {
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization },
    lazy: false,
  });
  client.subscribe<Record<string, Payload>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
        const value = result.data && Object.values(result.data)[0];
        if (value) onPayload(value);
      },
      error: (error) => log(`subscription error: ${JSON.stringify(error)}`),
      complete: () => undefined,
    },
  );
  return client;
}

const RCB = `subscription($after: String) { rcbChanged(after: $after) { __typename
  ... on CursorAdvanced { cursor } ... on OrganizationCertificationChanged { cursor version } } }`;
const WATCH = `subscription($n: String!) { organizationCertificationStatusChanged(certificateNumber: $n) {
  __typename ... on CursorAdvanced { cursor } ... on OrganizationCertificationStatusChange { cursor } } }`;

const row = (name: string, s: LatencySummary) =>
  `${name.padEnd(34)} ${String(s.count).padStart(6)} ${s.p50.toFixed(1).padStart(8)} ${s.p95.toFixed(1).padStart(8)} ${s.p99.toFixed(1).padStart(8)} ${s.max.toFixed(1).padStart(8)}`;

async function main() {
  const changes = arg('changes', 200);
  const subscribers = arg('subscribers', 100);
  log('starting the system (free ports, throwaway databases)...');
  const system = await startSystem({
    namespace: `iso20000_benchsub_${randomUUID().slice(0, 8)}`,
    extraEnv: { LOG_LEVEL: 'warn' },
  });
  const clients: Client[] = [];
  try {
    const url = system.gatewayUrl.replace(/^http/, 'ws');
    const { key, certification } = await rcbWithCertification(system);

    for (let i = 0; i < subscribers; i++)
      clients.push(subscribe(url, '', WATCH, { n: `BENCH-OTHER-${i}` }, () => undefined));

    const arrivals = new Map<number, number>();
    let firstCursor: string | undefined;
    clients.push(
      subscribe(url, key, RCB, {}, (payload) => {
        firstCursor ??= payload.cursor;
        if (payload.version !== undefined) arrivals.set(payload.version, performance.now());
      }),
    );
    await until(async () => firstCursor, 'the subscription to be live');

    const fromCommit: number[] = [];
    const fromRequest: number[] = [];
    let version = certification.version;
    for (let i = 0; i < changes; i++) {
      const mutation =
        i % 2 === 0
          ? 'suspendCertification(id: $id, expectedVersion: $v, reason: "bench suspension", idempotencyKey: $key)'
          : 'reinstateCertification(id: $id, expectedVersion: $v, reason: "bench reinstatement", idempotencyKey: $key)';
      const sent = performance.now();
      const result = await ok<Record<string, { certification: { version: number } }>>(
        system,
        `mutation($id: ID!, $v: Int!, $key: String!) { change: ${mutation} { certification { version } } }`,
        { id: certification.id, v: version, key: randomUUID() },
        key,
      );
      const committed = performance.now();
      version = result.change.certification.version;
      const arrived = await until(
        async () => arrivals.get(version),
        `the payload of version ${version}`,
        10_000,
      );
      fromCommit.push(Math.max(0, arrived - committed));
      fromRequest.push(arrived - sent);
    }

    // A client that was away for all of it: every change replayed from its first cursor.
    let replayed = 0;
    const replayStarted = performance.now();
    clients.push(
      subscribe(url, key, RCB, { after: firstCursor }, (payload) => {
        if (payload.version !== undefined) replayed++;
      }),
    );
    await until(async () => (replayed >= changes ? true : undefined), 'the replay');
    const replayMs = performance.now() - replayStarted;

    log('');
    log(`state change -> rcbChanged payload, ${changes} changes, ${subscribers} other subscribers (ms)`);
    log(
      `${''.padEnd(34)} ${'count'.padStart(6)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}`,
    );
    log(row('mutation answered -> payload', summarizeLatencies(fromCommit)));
    log(row('mutation sent -> payload', summarizeLatencies(fromRequest)));
    log(
      `resume from the first cursor: ${replayed} changes replayed in ${replayMs.toFixed(0)} ms (${((replayed / replayMs) * 1000).toFixed(0)} changes/s)`,
    );
  } finally {
    for (const client of clients) await client.dispose();
    await system.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
