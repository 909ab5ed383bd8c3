import type { RunningSystem } from '@iso20000/tool-dev';
import { startE2eSystem } from '../src/harness';

// The whole system as processes: the public lookups by number are limited per client behind the
// real gateway, and a client that makes up X-Forwarded-For gets no budget of its own.
const BURST = 5;
let system: RunningSystem;

beforeAll(async () => {
  system = await startE2eSystem('e2e_lookup', {
    VERIFY_RATE_LIMIT_BURST: String(BURST),
    VERIFY_RATE_LIMIT_PER_MINUTE: '1',
  });
}, 180_000);

afterAll(() => system?.stop());

const VERIFY = `query Verify($n: String!) { verifyOrganizationCertification(certificateNumber: $n) { status } }`;

async function verify(url: string, n: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: VERIFY, variables: { n } }),
  });
  const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    codes: (body.errors ?? []).map((error) => error.extensions?.code),
  };
}

it('numbers past the budget are HTTP 429 with Retry-After through the gateway, forged addresses or not', async () => {
  const answers = [];
  // the first is planned, the rest take the single-subgraph route: both answer alike
  for (let i = 0; i < 30; i++) answers.push(await verify(system.gatewayUrl, `NUM-${i}`));
  expect(answers.slice(0, BURST).every((answer) => answer.status === 200)).toBe(true);
  for (const answer of answers.slice(BURST + 1)) {
    expect(answer.status).toBe(429);
    expect(answer.codes).toEqual(['RATE_LIMITED']);
    expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
  }
  // the gateway trusts no proxy here: a made-up X-Forwarded-For is not a new client
  for (const forged of ['203.0.113.5', '198.51.100.6, 203.0.113.7'])
    expect((await verify(system.gatewayUrl, 'NUM-99', { 'x-forwarded-for': forged })).status).toBe(429);
});
