import { loadConfig, serveHttp, type RunningHttpServer } from '@iso20000/service-kit';
import { startServiceHarness, type ServiceHarness } from '@iso20000/testing';
import { accreditationServiceConfig } from '../src/config';
import type { ServiceContext } from '../src/context';
import { entities, migrations } from '../src/data-source';
import { buildService, type AccreditationService } from '../src/server';
import { APPLY_ATO, atoApplication, rcbApplication } from './harness';

// Anyone may apply for accreditation or appointment; nobody may flood the scheme's queue. Over real
// HTTP from behind a trusted proxy (the gateway on loopback), one budget for both applications.
const BURST = 3;
let h: ServiceHarness<AccreditationService>;
let http: RunningHttpServer;

beforeAll(async () => {
  h = await startServiceHarness<ServiceContext, AccreditationService>({
    service: 'accreditation',
    entities,
    migrations,
    build: async ({ env, ...deps }) =>
      buildService({
        ...deps,
        config: loadConfig(accreditationServiceConfig, {
          ...env,
          SERVICE_TRUSTED_PROXIES: '127.0.0.1,::1',
          APPLICATION_RATE_LIMIT_BURST: String(BURST),
          APPLICATION_RATE_LIMIT_PER_MINUTE: '1',
        }),
      }),
  });
  http = await serveHttp({
    port: 0,
    host: '127.0.0.1',
    apollo: h.service.apollo,
    context: h.service.context,
    logger: h.logger,
  });
});

afterAll(async () => {
  await http.close();
  await h.close();
});

const APPLY_RCB = `mutation Apply($input: RcbApplicationInput!) { applyForRcbAppointment(input: $input) { id } }`;

async function apply(client: string, query: string, input: Record<string, unknown>) {
  const response = await fetch(http.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
    body: JSON.stringify({ query, variables: { input } }),
  });
  const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    codes: (body.errors ?? []).map((error) => error.extensions?.code),
  };
}

const applications = async (): Promise<number> => {
  const [row] = (await h.db.dataSource.query(
    `SELECT (SELECT count(*) FROM ato) + (SELECT count(*) FROM rcb) AS "n"`,
  )) as { n: string }[];
  return Number(row.n);
};

it('the applications past a client’s budget are HTTP 429 with Retry-After and store nothing', async () => {
  const client = '198.51.100.40';
  for (let i = 0; i < BURST; i++) {
    const answer =
      i % 2 === 0
        ? await apply(client, APPLY_ATO, atoApplication({ name: `Training ${i}` }))
        : await apply(client, APPLY_RCB, rcbApplication({ name: `Certify ${i}` }));
    expect(answer).toMatchObject({ status: 200, codes: [] });
  }
  const before = await applications();
  for (const [query, input] of [
    [APPLY_ATO, atoApplication({ name: 'One too many' })],
    [APPLY_RCB, rcbApplication({ name: 'One too many' })],
  ] as const) {
    const refused = await apply(client, query, input);
    expect(refused.status).toBe(429);
    expect(refused.codes).toEqual(['RATE_LIMITED']);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
  }
  expect(await applications()).toBe(before);
  // another applicant still applies
  expect(await apply('198.51.100.41', APPLY_ATO, atoApplication())).toMatchObject({ status: 200, codes: [] });
});
