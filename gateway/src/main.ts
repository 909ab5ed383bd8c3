import 'reflect-metadata';
import cluster from 'node:cluster';
import { connectNats } from '@iso20000/events';
import {
  baseServiceConfig,
  createLogger,
  createServiceAuthenticator,
  loadConfig,
  onShutdown,
  runService,
  serveHttp,
} from '@iso20000/service-kit';
import { serveMetrics, startTracing } from '@iso20000/telemetry';
import { buildGateway } from './gateway';
import { gatewayWorkerCount, loadGatewayConfig } from './config';
import { superviseWorkers } from './workers';

const tracing = startTracing({ serviceName: 'gateway' });
const logger = createLogger(cluster.isPrimary ? 'gateway' : `gateway-${cluster.worker?.id ?? 0}`);

runService(logger, async () => {
  if (tracing) onShutdown('tracing', () => tracing.shutdown());
  const config = loadGatewayConfig();
  const workers = gatewayWorkerCount(config);
  // One metrics port per pod or container: the primary sums its workers' metrics.
  const { METRICS_PORT } = loadConfig({ METRICS_PORT: baseServiceConfig.METRICS_PORT });
  if (METRICS_PORT !== undefined && cluster.isPrimary) {
    const metrics = await serveMetrics({ port: METRICS_PORT, logger, aggregateWorkers: workers > 1 });
    onShutdown('metrics', () => metrics.close());
  }
  if (cluster.isPrimary && workers > 1) {
    // The primary only supervises: workers share the listening socket, the kernel spreads connections.
    const supervisor = superviseWorkers({ count: workers, logger });
    onShutdown('workers', () => supervisor.stop());
    await supervisor.ready;
    return;
  }
  const nc = await connectNats(config.NATS_URL, 'gateway');
  onShutdown('nats', () => nc.drain());
  const { authenticator, credentials } = await createServiceAuthenticator(config, nc, logger, 'gateway');
  onShutdown('credentials', () => credentials.close());
  const gateway = buildGateway({ config, authenticator, logger });
  await gateway.apollo.start();
  onShutdown('apollo', () => gateway.stop());
  const http = await serveHttp({
    port: config.PORT,
    apollo: gateway.apollo,
    context: gateway.context,
    shortcut: gateway.shortcut,
    ...gateway.requestLimits,
    ready: async () => !nc.isClosed(),
    logger,
  });
  onShutdown('http', () => http.close());
});
