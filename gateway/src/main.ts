import 'reflect-metadata';
import cluster from 'node:cluster';
import { connectNats } from '@iso20000/events';
import {
  createLogger,
  createServiceAuthenticator,
  onShutdown,
  runService,
  serveHttp,
} from '@iso20000/service-kit';
import { buildGateway } from './gateway';
import { gatewayWorkerCount, loadGatewayConfig } from './config';
import { superviseWorkers } from './workers';

const logger = createLogger(cluster.isPrimary ? 'gateway' : `gateway-${cluster.worker?.id ?? 0}`);

runService(logger, async () => {
  const config = loadGatewayConfig();
  const workers = gatewayWorkerCount(config);
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
    ready: async () => !nc.isClosed(),
    logger,
  });
  onShutdown('http', () => http.close());
});
