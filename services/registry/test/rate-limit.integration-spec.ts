import { createDataSource, loadConfig, serveHttp, type RunningHttpServer } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { registryServiceConfig } from '../src/config';
import { entities, migrations } from '../src/data-source';
import { buildService, type RegistryService } from '../src/server';
import { startHarness, type Harness } from './harness';

// Public lookups by certificate number over real HTTP, against instances of the registry that share
// one PostgreSQL database, as replicas do: the budget is per client and the same on every instance.
const BURST = 20;

let h: Harness;
const stops: Array<() => Promise<void>> = [];
/** Trusts nobody's X-Forwarded-For: called directly, as a subgraph reached around the gateway. */
let direct: RunningHttpServer;
/** Two replicas behind the gateway (a trusted proxy on loopback), each with its own connection pool. */
let replicas: RunningHttpServer[];

async function instance(env: Record<string, string>, dataSource?: DataSource): Promise<RunningHttpServer> {
  let ds = dataSource;
  if (!ds) {
    ds = createDataSource({ url: h.db.url, entities, migrations });
    await ds.initialize();
    const own = ds;
    stops.push(() => own.destroy());
  }
  const config = loadConfig(registryServiceConfig, {
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: h.db.url,
    EVENTS_NAMESPACE: h.namespace,
    AUTH_DEV_SECRET: 'registry-rate-limit-test-secret-0123456789',
    REGISTRY_EXPIRY_INTERVAL_MS: '3600000',
    VERIFY_RATE_LIMIT_BURST: String(BURST),
    VERIFY_RATE_LIMIT_PER_MINUTE: '1',
    ...env,
  });
  const service: RegistryService = await buildService({
    dataSource: ds,
    nc: h.nc,
    namespace: h.namespace,
    logger: h.logger,
    config,
  });
  await service.start();
  const http = await serveHttp({
    port: 0,
    host: '127.0.0.1',
    apollo: service.apollo,
    context: service.context,
    logger: h.logger,
  });
  stops.push(async () => {
    await http.close();
    await service.stop();
  });
  return http;
}

beforeAll(async () => {
  h = await startHarness();
  direct = await instance({ SERVICE_TRUSTED_PROXIES: '' }, h.db.dataSource);
  replicas = [
    await instance({ SERVICE_TRUSTED_PROXIES: '127.0.0.1,::1' }),
    await instance({ SERVICE_TRUSTED_PROXIES: '127.0.0.1,::1' }),
  ];
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await h.close();
});

const VERIFY = `query Verify($n: String!) { verifyOrganizationCertification(certificateNumber: $n) { status } }`;
const WAS_CERTIFIED = `query Was($n: String!) { wasCertified(certificateNumber: $n, on: "2026-01-01") { certified } }`;
const BY_NUMBER = `query ByNumber($n: String!, $rcb: ID) {
  organizationCertification(certificateNumber: $n, rcbId: $rcb) { id }
}`;

interface Answer {
  status: number;
  retryAfter: string | null;
  codes: string[];
}

async function lookup(
  server: RunningHttpServer,
  number: string,
  headers: Record<string, string> = {},
  query = VERIFY,
): Promise<Answer> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({
      query,
      variables: {
        n: number,
        ...(query === BY_NUMBER ? { rcb: '6f1c5a52-3c55-4d0f-9d61-0a3b6f4a1c11' } : {}),
      },
    }),
  });
  const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    codes: (body.errors ?? []).map((error) => error.extensions?.code ?? 'none'),
  };
}

const number = (i: number) => `CERT-${String(i).padStart(6, '0')}`;

function expectRefused(answer: Answer): void {
  expect(answer.status).toBe(429);
  expect(answer.codes).toEqual(['RATE_LIMITED']);
  expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
}

it('1,000 sequential numbers from one client: the budget, then HTTP 429 with Retry-After for the rest', async () => {
  const answers: Answer[] = [];
  for (let i = 0; i < 1000; i++) answers.push(await lookup(direct, number(i)));
  const answered = answers.filter((answer) => answer.status === 200);
  expect(answered.length).toBeGreaterThanOrEqual(BURST);
  // one more token may have come back (one a minute) while the loop ran, never more
  expect(answered.length).toBeLessThanOrEqual(BURST + 1);
  for (const answer of answered) expect(answer.codes).toEqual([]);
  for (const answer of answers.slice(BURST + 1)) expectRefused(answer);
});

it('a forged X-Forwarded-For from an untrusted address does not buy a new budget', async () => {
  // the direct instance trusts no proxy: whatever the header says, the budget is the connection's
  for (const forged of ['203.0.113.1', '203.0.113.2', '198.51.100.99, 203.0.113.3'])
    expectRefused(await lookup(direct, number(5000), { 'x-forwarded-for': forged }));
  // behind a trusted proxy the same header names a client of its own
  expect((await lookup(replicas[0], number(5000), { 'x-forwarded-for': '203.0.113.1' })).status).toBe(200);
});

it('two instances sharing the database share one budget per client', async () => {
  const client = { 'x-forwarded-for': '198.51.100.20' };
  const answers: Answer[] = [];
  for (let i = 0; i < BURST * 2; i++) answers.push(await lookup(replicas[i % 2], number(6000 + i), client));
  const answered = answers.filter((answer) => answer.status === 200).length;
  expect(answered).toBeGreaterThanOrEqual(BURST);
  expect(answered).toBeLessThanOrEqual(BURST + 1);
  expectRefused(answers.at(-1)!);
  expectRefused(answers.at(-2)!);
  // another client is unaffected on either instance
  expect((await lookup(replicas[1], number(1), { 'x-forwarded-for': '198.51.100.21' })).status).toBe(200);
});

it('wasCertified and organizationCertification by number spend the same verification budget', async () => {
  const client = { 'x-forwarded-for': '198.51.100.30' };
  for (let i = 0; i < BURST / 2; i++) {
    expect((await lookup(replicas[0], number(7000 + i), client, WAS_CERTIFIED)).codes).toEqual([]);
    expect((await lookup(replicas[1], number(7100 + i), client, BY_NUMBER)).codes).toEqual([]);
  }
  expectRefused(await lookup(replicas[0], number(7200), client, WAS_CERTIFIED));
  expectRefused(await lookup(replicas[1], number(7201), client, BY_NUMBER));
  expectRefused(await lookup(replicas[0], number(7202), client));
});
