import cluster from 'node:cluster';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry, register } from 'prom-client';
import { collectProcessMetrics } from './metrics';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

interface LoggerLike {
  info(object: object, message: string): void;
  error(object: object, message: string): void;
}

/**
 * GET /metrics (Prometheus text format) on its own port, so the public listener never serves it
 * and a NetworkPolicy can admit only the scraper. `aggregateWorkers`: the node:cluster primary
 * answers with every worker's metrics summed (the gateway's workers share one port).
 */
export async function serveMetrics(options: {
  port: number;
  host?: string;
  logger: LoggerLike;
  aggregateWorkers?: boolean;
}): Promise<MetricsServer> {
  collectProcessMetrics();
  const aggregator = options.aggregateWorkers && cluster.isPrimary ? new AggregatorRegistry() : undefined;
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const text = aggregator ? aggregator.clusterMetrics() : register.metrics();
    text.then(
      (body) => res.writeHead(200, { 'content-type': register.contentType }).end(body),
      (error: unknown) => {
        options.logger.error({ err: error }, 'metrics: collection failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ metricsPort: port }, 'metrics listening');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
