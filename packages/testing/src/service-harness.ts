import { randomUUID } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import type { Viewer } from '@iso20000/auth';
import { ensureStreams, removeStreams, wireSubject, type EventDefinition } from '@iso20000/events';
import { createLogger, type BaseContext, type Logger } from '@iso20000/service-kit';
import type { NatsConnection } from 'nats';
import type { DataSource, EntitySchema, MixedList } from 'typeorm';
import { createTestDatabase, type TestDatabase } from './database';
import { executeOperation, TEST_AUTH_SECRET, type OperationResult } from './graphql';
import { connectTestNats, testNamespace } from './nats';

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
  /** Publishes another service's event onto the bus, as that service's outbox relay would. */
  publish<T>(def: EventDefinition<T>, payload: T): Promise<string>;
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
  const js = nc.jetstream();
  return {
    db,
    nc,
    namespace,
    logger,
    service,
    as: (viewer, query, variables) =>
      executeOperation(
        service.apollo,
        { query, variables },
        service.contextFor({ requestId: randomUUID(), viewer, logger }),
      ),
    async publish(def, payload) {
      const id = randomUUID();
      const envelope = {
        id,
        subject: def.subject,
        version: def.version,
        occurredAt: new Date().toISOString(),
        payload,
      };
      await js.publish(wireSubject(def.subject, namespace), JSON.stringify(envelope), { msgID: id });
      return id;
    },
    async close() {
      if (options.start !== false) await service.stop();
      else await service.apollo.stop();
      await removeStreams(nc, namespace).catch(() => undefined);
      await nc.drain();
      await db.dispose();
    },
  };
}

/** Polls until `check` returns a value (not undefined): events cross processes asynchronously. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}
