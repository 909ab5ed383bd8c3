import 'reflect-metadata';
import { connectNats } from '@iso20000/events';
import {
  createLogger,
  createServiceAuthenticator,
  onShutdown,
  runService,
  serveHttp,
} from '@iso20000/service-kit';
import { buildGateway } from './gateway';
import { loadGatewayConfig } from './config';

const logger = createLogger('gateway');

runService(logger, async () => {
  const config = loadGatewayConfig();
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
    ready: async () => !nc.isClosed(),
    logger,
  });
  onShutdown('http', () => http.close());
});
