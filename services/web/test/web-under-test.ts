import type { Server } from 'node:http';
import { createLogger } from '@iso20000/service-kit';
import { loadWebConfig } from '../src/config';
import { createGatewayClient } from '../src/gateway-client';
import { createWebServer } from '../src/server';

/** The public web on 127.0.0.1:port in front of a real gateway, named by its own address; close() stops it. */
export async function startWeb(port: number, gatewayUrl: string): Promise<{ close(): Promise<void> }> {
  const config = loadWebConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    GATEWAY_URL: gatewayUrl,
    WEB_PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
  });
  const logger = createLogger('web', 'warn');
  const gateway = createGatewayClient({ url: config.GATEWAY_URL, timeoutMs: 10_000, logger });
  const web: Server = createWebServer({ config, gateway, logger });
  await new Promise<void>((resolve) => web.listen(port, '127.0.0.1', resolve));
  return {
    async close() {
      await new Promise<void>((resolve) => web.close(() => resolve()));
      await gateway.close();
    },
  };
}
