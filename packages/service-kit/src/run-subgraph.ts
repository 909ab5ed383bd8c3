import type { ApolloServer } from '@apollo/server';
import { connectNats, ensureStreams } from '@iso20000/events';
import { observeDataSource, serveMetrics, startTracing } from '@iso20000/telemetry';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { type z } from 'zod';
import {
  baseServiceConfig,
  databaseTimeoutsOf,
  databaseUrlOf,
  listenAddressOf,
  loadConfig,
  type BaseServiceConfig,
} from './config';
import { openDataSource, type DataSourceOptions } from './database';
import { serveHttp, type HttpHandler, type IncomingGraphQLRequest } from './http';
import { createLogger, type Logger } from './logger';
import { checkReadiness, databaseCheck, natsCheck } from './readiness';
import { onShutdown, runService } from './shutdown';
import type { BaseContext } from './subgraph';

export interface BuiltService<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  context: (request: IncomingGraphQLRequest) => Promise<TContext>;
  /** Consumers, outbox relay, schedulers. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Extra GET routes (e.g. a JWKS document). */
  routes?: Record<string, () => Promise<unknown>>;
  /** Requests the service answers itself, streaming (serveHttp's `handler`), and their metric labels. */
  handler?: HttpHandler;
  handlerRoute?: (path: string) => string | undefined;
}

export interface SubgraphMain<S extends z.ZodRawShape, TContext extends BaseContext> {
  name: string;
  /** The service's own variables, added to the base ones. */
  configShape?: S;
  entities: DataSourceOptions['entities'];
  migrations: DataSourceOptions['migrations'];
  /** PostgreSQL connections (default 10); more for services that take bulk writes beside reads. */
  poolSize?: number;
  build(deps: {
    dataSource: DataSource;
    nc: NatsConnection;
    namespace?: string;
    logger: Logger;
    config: BaseServiceConfig & z.infer<z.ZodObject<S>>;
  }): Promise<BuiltService<TContext>>;
}

/**
 * Every subgraph's main: config -> database (created, migrated) -> NATS and streams -> service
 * (consumers, relay) -> HTTP; SIGTERM/SIGINT undo it in reverse (stop taking requests first).
 */
export function runSubgraph<S extends z.ZodRawShape, TContext extends BaseContext>(
  main: SubgraphMain<S, TContext>,
): void {
  // Before anything runs, so the first request and the migrations' SQL can be traced.
  const tracing = startTracing({ serviceName: main.name });
  const logger = createLogger(main.name);
  runService(logger, async () => {
    if (tracing) onShutdown('tracing', () => tracing.shutdown());
    const config = loadConfig({ ...baseServiceConfig, ...(main.configShape ?? {}) }) as BaseServiceConfig &
      z.infer<z.ZodObject<S>>;
    const dataSource = await openDataSource({
      url: databaseUrlOf(config),
      entities: main.entities,
      migrations: main.migrations,
      logger,
      poolSize: config.DATABASE_POOL_SIZE ?? main.poolSize,
      timeouts: databaseTimeoutsOf(config),
    });
    onShutdown('database', () => dataSource.destroy());
    const unobserve = observeDataSource(main.name, dataSource);
    onShutdown('database metrics', async () => unobserve());
    if (config.METRICS_PORT !== undefined) {
      const metrics = await serveMetrics({ port: config.METRICS_PORT, logger });
      onShutdown('metrics', () => metrics.close());
    }
    const nc = await connectNats(config.NATS_URL, main.name);
    onShutdown('nats', () => nc.drain());
    await ensureStreams(nc, config.EVENTS_NAMESPACE);

    const service = await main.build({ dataSource, nc, namespace: config.EVENTS_NAMESPACE, logger, config });
    await service.start();
    onShutdown(`${main.name} service`, () => service.stop());

    const http = await serveHttp({
      port: config.PORT,
      host: listenAddressOf(config),
      apollo: service.apollo,
      context: service.context,
      routes: service.routes,
      handler: service.handler,
      handlerRoute: service.handlerRoute,
      logger,
      ready: () => checkReadiness({ database: databaseCheck(dataSource), nats: natsCheck(nc) }),
    });
    onShutdown('http', () => http.close());
  });
}
