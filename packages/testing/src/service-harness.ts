import { randomUUID } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import type { Viewer } from '@iso20000/auth';
import { ensureStreams, removeStreams, type EventDefinition } from '@iso20000/events';
import { createLogger, type BaseContext, type Logger } from '@iso20000/service-kit';
import type { NatsConnection } from 'nats';
import type { DataSource, EntitySchema, MixedList } from 'typeorm';
import { createTestDatabase, type TestDatabase } from './database';
import { executeOperation, ok, TEST_AUTH_SECRET, type OperationResult } from './graphql';
import { connectTestNats, publishEvent, testNamespace } from './nats';

/** What a service's buildService returns, as far as tests need it. */
export interface TestableService<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** The service context for an already verified identity, as the gateway would forward it. */
  contextFor(base: BaseContext): TContext;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ServiceHarness<TService> {
  db: TestDatabase;
  nc: NatsConnection;
  namespace: string;
  logger: Logger;
  service: TService;
  /** Runs an operation in process as a viewer. */
  as<TData = Record<string, unknown>>(
    viewer: Viewer,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<OperationResult<TData>>;
  /** Like `as`, but answers the data and fails the test on any GraphQL error. */
  ok<TData = Record<string, unknown>>(
    viewer: Viewer,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<TData>;
  /**
   * Publishes another service's event onto the bus, as that service's outbox relay would, and answers
   * the envelope id. `id` and `msgId` default to one fresh uuid; a test redelivering one event under
   * another Nats-Msg-Id (past JetStream's duplicate window, onto the consumer's inbox) passes both.
   */
  publish<T>(def: EventDefinition<T>, payload: T, id?: string, msgId?: string): Promise<string>;
  close(): Promise<void>;
}

export interface ServiceHarnessOptions<TService> {
  /** The service's name: template database and namespace prefix. */
  service: string;
  entities: MixedList<string | (new () => unknown) | EntitySchema>;
  migrations: Array<new () => { up(...args: never[]): Promise<unknown> }>;
  /** Builds the service on the test's database and namespace; `env` is a valid base environment. */
  build(deps: {
    dataSource: DataSource;
    nc: NatsConnection;
    namespace: string;
    logger: Logger;
    env: Record<string, string>;
  }): Promise<TService>;
  /** Start consumers and relays (default true); false for pure API tests (only the subgraph server runs). */
  start?: boolean;
}

/**
 * One test file's service: its own database (from a migrated template) and events namespace, on the
 * real PostgreSQL and NATS, so files run in parallel and again.
 */
export async function startServiceHarness<
  TContext extends BaseContext,
  TService extends TestableService<TContext>,
>(options: ServiceHarnessOptions<TService>): Promise<ServiceHarness<TService>> {
  const namespace = testNamespace(options.service.slice(0, 4));
  const db = await createTestDatabase(options.service, {
    entities: options.entities,
    migrations: options.migrations,
  });
  const nc = await connectTestNats();
  await ensureStreams(nc, namespace);
  const logger = createLogger(`${options.service}-test`, process.env.LOG_LEVEL ?? 'silent');
  const env = {
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: db.url,
    EVENTS_NAMESPACE: namespace,
    AUTH_DEV_SECRET: TEST_AUTH_SECRET,
  };
  const service = await options.build({ dataSource: db.dataSource, nc, namespace, logger, env });
  if (options.start !== false) await service.start();
  else await service.apollo.start();
  const as = <TData>(viewer: Viewer, query: string, variables?: Record<string, unknown>) =>
    executeOperation<TContext, TData>(
      service.apollo,
      { query, variables },
      service.contextFor({ requestId: randomUUID(), viewer, logger }),
    );
  return {
    db,
    nc,
    namespace,
    logger,
    service,
    as,
    ok: async <TData>(viewer: Viewer, query: string, variables?: Record<string, unknown>) =>
      ok(await as<TData>(viewer, query, variables)),
    publish: (def, payload, id, msgId) => publishEvent(nc, namespace, def, payload, { id, msgId }),
    async close() {
      if (options.start !== false) await service.stop();
      else await service.apollo.stop();
      await removeStreams(nc, namespace).catch(() => undefined);
      await nc.drain();
      await db.dispose();
    },
  };
}
