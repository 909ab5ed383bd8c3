import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { createLogger } from '@iso20000/service-kit';
import { loadWebConfig } from '../src/config';
import { createGatewayClient, type GatewayClient } from '../src/gateway-client';
import { createWebServer } from '../src/server';

// The HTTP behaviour of the server itself, over real HTTP. The gateway address is a port nobody
// listens on: pages that need data must then answer 503 with a page, never a stack trace.

let server: Server;
let gateway: GatewayClient;
let base: string;

async function closedPort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  const config = loadWebConfig({
    PORT: '0',
    GATEWAY_URL: `http://127.0.0.1:${await closedPort()}/graphql`,
    GATEWAY_TIMEOUT_MS: '2000',
  });
  const logger = createLogger('web-test', 'silent');
  gateway = createGatewayClient({ url: config.GATEWAY_URL, timeoutMs: 2000, logger });
  server = createWebServer({ config, gateway, logger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await gateway.close();
});

describe('web server over HTTP', () => {
  it('serves badge images as PNG, cached for a day, and 404s an unknown qualification', async () => {
    const image = await fetch(`${base}/badge-images/practitioner.png`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('cache-control')).toBe('public, max-age=86400');
    const bytes = Buffer.from(await image.arrayBuffer());
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    const unknown = await fetch(`${base}/badge-images/expert.png`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('answers a revalidation with 304 by ETag, and HEAD without a body', async () => {
    const first = await fetch(`${base}/verify`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"/);
    const again = await fetch(`${base}/verify`, { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
    const head = await fetch(`${base}/verify`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('chooses French from Accept-Language, and remembers ?lang= in a cookie on a private response', async () => {
    const french = await fetch(`${base}/`, { headers: { 'accept-language': 'fr-CH, en;q=0.5' } });
    expect(french.headers.get('content-language')).toBe('fr');
    expect(french.headers.get('vary')).toBe('Accept-Language, Cookie');
    expect(await french.text()).toContain('<html lang="fr">');
    const switched = await fetch(`${base}/?lang=en`, { headers: { 'accept-language': 'fr' } });
    expect(switched.headers.get('set-cookie')).toMatch(
      /^lang=en; Path=\/; Max-Age=31536000; SameSite=Lax; HttpOnly/,
    );
    expect(switched.headers.get('cache-control')).toBe('private, no-cache');
    const remembered = await fetch(`${base}/`, { headers: { 'accept-language': 'fr', cookie: 'lang=en' } });
    expect(remembered.headers.get('content-language')).toBe('en');
  });

  it('refuses other methods with 405 and unknown addresses with 404, as pages', async () => {
    const post = await fetch(`${base}/verify`, { method: 'POST' });
    expect(post.status).toBe(405);
    const missing = await fetch(`${base}/nothing/here`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Page not found');
    expect(missing.headers.get('cache-control')).toBe('no-store');
  });

  it('answers bad input before asking the gateway, and a gateway that is down with 503, never a stack trace', async () => {
    const long = await fetch(`${base}/registry?name=${'n'.repeat(10_000)}`);
    expect(long.status).toBe(400);
    expect(await long.text()).toContain('at most 200 characters');
    const badCountry = await fetch(`${base}/registry?country=ZZ`);
    expect(badCountry.status).toBe(400);
    const badgeId = await fetch(`${base}/badges/not-a-badge`);
    expect(badgeId.status).toBe(404);
    const malformed = await fetch(`${base}/verify/%E0%A4%A`);
    expect(malformed.status).toBe(400);
    const down = await fetch(`${base}/verify/F26-7K3Q-M9PA`);
    expect(down.status).toBe(503);
    const body = await down.text();
    expect(body).toContain('Temporarily unavailable');
    expect(body).not.toMatch(/ECONNREFUSED|at .+\.ts:\d+/);
    for (const response of [long, down])
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});
