import 'reflect-metadata';
import { connectNats, ensureStreams } from '@iso20000/events';
import {
  createLogger,
  loadConfig,
  onShutdown,
  openDataSource,
  runService,
  serveHttp,
} from '@iso20000/service-kit';
import { entities, migrations } from './data-source';
import { buildService, registryServiceConfig } from './server';

const logger = createLogger('registry');

runService(logger, async () => {
  const config = loadConfig(registryServiceConfig);
  const dataSource = await openDataSource({
    url: config.DATABASE_URL,
    entities,
    migrations,
    logger,
    poolSize: 20,
  });
  onShutdown('database', () => dataSource.destroy());
  const nc = await connectNats(config.NATS_URL, 'registry');
  onShutdown('nats', () => nc.drain());
  await ensureStreams(nc, config.EVENTS_NAMESPACE);

  const service = await buildService({ dataSource, nc, namespace: config.EVENTS_NAMESPACE, logger, config });
  await service.start();
  onShutdown('registry service', () => service.stop());

  const http = await serveHttp({
    port: config.PORT,
    apollo: service.apollo,
    context: service.context,
    logger,
    ready: async () => {
      await dataSource.query('SELECT 1');
      return !nc.isClosed();
    },
  });
  onShutdown('http', () => http.close());
});
