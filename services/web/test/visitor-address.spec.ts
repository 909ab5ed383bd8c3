import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@iso20000/service-kit';
import { loadWebConfig } from '../src/config';
import { createGatewayClient } from '../src/gateway-client';
import { createWebServer } from '../src/server';

// A real HTTP receiver stands in for the gateway and records what the web sends it.

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe("the visitor's address reaches the gateway", () => {
  const received: IncomingHttpHeaders[] = [];
  const fakeGateway = createServer((req, res) => {
    received.push(req.headers);
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { verifyCertificate: { status: 'NOT_FOUND' } } }));
    });
  });
  const servers: Server[] = [];
  const logger = createLogger('web-visitor-test', 'silent');

  async function web(trusted: string): Promise<string> {
    const gatewayUrl = `${await listen(fakeGateway)}/graphql`;
    const config = loadWebConfig({ PORT: '0', GATEWAY_URL: gatewayUrl, WEB_TRUSTED_PROXIES: trusted });
    const server = createWebServer({
      config,
      gateway: createGatewayClient({ url: gatewayUrl, timeoutMs: 2000, logger }),
      logger,
    });
    servers.push(server);
    return listen(server);
  }

  afterAll(async () => {
    for (const server of servers) await close(server);
    if (fakeGateway.listening) await close(fakeGateway);
  });

  it('sends the connection address, and believes an ingress only when it is trusted', async () => {
    const direct = await web('');
    await fetch(`${direct}/verify/F26-ABCD-1234`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(received.at(-1)?.['x-forwarded-for']).toBe('127.0.0.1');

    await close(fakeGateway);
    const behindIngress = await web('127.0.0.1');
    await fetch(`${behindIngress}/verify/F26-ABCD-1234`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(received.at(-1)?.['x-forwarded-for']).toBe('203.0.113.7');
  });
});
