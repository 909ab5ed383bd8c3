import type { Server } from 'node:http';
import { createLogger } from '@iso20000/service-kit';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the whole system, as the web's other end-to-end test starts it
import { startE2eSystem, type RunningSystem } from '@iso20000/tool-e2e/src/harness';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { freePort } from '@iso20000/tool-dev/src/launcher';
import { loadWebConfig } from '../src/config';
import { createGatewayClient, type GatewayClient } from '../src/gateway-client';
import { createWebServer } from '../src/server';

// The public site in front of the real gateway and services: a visitor past the verification
// budget gets the 429 page with Retry-After, never an error page or a 200.
jest.setTimeout(180_000);
const BURST = 3;
let system: RunningSystem;
let gateway: GatewayClient;
let web: Server;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  system = await startE2eSystem('e2eweb_limit', {
    VERIFY_RATE_LIMIT_BURST: String(BURST),
    VERIFY_RATE_LIMIT_PER_MINUTE: '1',
  });
  const config = loadWebConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    GATEWAY_URL: system.gatewayUrl,
    WEB_PUBLIC_BASE_URL: base,
  });
  const logger = createLogger('web', 'silent');
  gateway = createGatewayClient({ url: config.GATEWAY_URL, timeoutMs: 10_000, logger });
  web = createWebServer({ config, gateway, logger });
  await new Promise<void>((resolve) => web.listen(port, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => (web ? web.close(() => resolve()) : resolve()));
  await gateway?.close();
  await system?.stop();
});

it('an organization certificate verification past the budget is the 429 page with Retry-After', async () => {
  const pages = [];
  for (let i = 0; i < BURST + 3; i++) {
    const response = await fetch(`${base}/registry/verify?number=NUM-${i}`);
    pages.push({
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      html: await response.text(),
    });
  }
  // an unknown number is an honest 404 page, within the budget
  for (const page of pages.slice(0, BURST)) expect(page.status).toBe(404);
  for (const page of pages.slice(BURST + 1)) {
    expect(page.status).toBe(429);
    expect(Number(page.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(page.html).toContain('Too many verifications');
  }
});
