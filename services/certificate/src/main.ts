import 'reflect-metadata';
import { connectNats, ensureStreams } from '@iso20000/events';
import { createLogger, onShutdown, openDataSource, runService, serveHttp } from '@iso20000/service-kit';
import { loadCertificateConfig } from './config';
import { entities, migrations } from './data-source';
import { buildService } from './server';

const logger = createLogger('certificate');

runService(logger, async () => {
  const config = loadCertificateConfig();
  const dataSource = await openDataSource({ url: config.DATABASE_URL, entities, migrations, logger });
  onShutdown('database', () => dataSource.destroy());
  const nc = await connectNats(config.NATS_URL, 'certificate');
  onShutdown('nats', () => nc.drain());
  await ensureStreams(nc, config.EVENTS_NAMESPACE);

  const service = await buildService({ dataSource, nc, namespace: config.EVENTS_NAMESPACE, logger, config });
  await service.start();
  onShutdown('certificate service', () => service.stop());

  const http = await serveHttp({
    port: config.PORT,
    apollo: service.apollo,
    context: service.context,
    routes: service.routes,
    logger,
    ready: async () => {
      await dataSource.query('SELECT 1');
      return !nc.isClosed();
    },
  });
  onShutdown('http', () => http.close());
});
