import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import type { CredentialStore } from '@iso20000/auth';
import { OutboxRelay } from '@iso20000/events';
import {
  baseContextFactory,
  baseServiceConfig,
  createServiceAuthenticator,
  createSubgraph,
  type Authenticates,
  type BaseContext,
  type IncomingGraphQLRequest,
  type Logger,
} from '@iso20000/service-kit';
import { parse } from 'graphql';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { ServiceContext } from './context';
import { todayUtc } from './domain/calendar-date';
import { createRcbStatusConsumer } from './events/rcb-status.consumer';
import { CertificationExpiryScheduler } from './jobs/certification-expiry.job';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

export const registryServiceConfig = {
  ...baseServiceConfig,
  /** How often the expiry job looks for certifications past their expiry date. */
  REGISTRY_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
};
export type RegistryServiceConfig = z.infer<z.ZodObject<typeof registryServiceConfig>>;

export const typeDefs = parse(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));

export interface RegistryServiceDeps {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  config: RegistryServiceConfig;
  /** Tests may pass their own; otherwise JWTs + RCB credentials replicated from accreditation's events. */
  authenticator?: Authenticates;
  /** The registry's clock (tests move it); defaults to the system clock. */
  clock?: () => Date;
}

export interface RegistryService {
  apollo: ApolloServer<ServiceContext>;
  context: (request: IncomingGraphQLRequest) => Promise<ServiceContext>;
  /** The service context for an already verified identity (tests, in-process callers). */
  contextFor: (base: BaseContext) => ServiceContext;
  /** Starts Apollo, the outbox relay, the RCB status consumer and the expiry scheduler. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function buildService(deps: RegistryServiceDeps): Promise<RegistryService> {
  const { dataSource, nc, logger, config } = deps;
  const clock = deps.clock ?? (() => new Date());
  const namespace = deps.namespace ?? config.EVENTS_NAMESPACE;
  let authenticator = deps.authenticator;
  let credentials: CredentialStore | null = null;
  if (!authenticator) {
    const created = await createServiceAuthenticator(
      { ...config, EVENTS_NAMESPACE: namespace },
      nc,
      logger,
      'registry',
    );
    authenticator = created.authenticator;
    credentials = created.credentials;
  }
  const relay = new OutboxRelay({ dataSource, nc, namespace, logger });
  const rcbStatus = createRcbStatusConsumer({ dataSource, nc, namespace, logger });
  const expiry = new CertificationExpiryScheduler(
    dataSource,
    logger,
    config.REGISTRY_EXPIRY_INTERVAL_MS,
    clock,
  );

  // Events are recorded by mutations: publish them now rather than at the next poll.
  const kickRelayAfterMutations: ApolloServerPlugin<ServiceContext> = {
    async requestDidStart() {
      return {
        async willSendResponse({ operation }) {
          if (operation?.operation === 'mutation') relay.kick();
        },
      };
    },
  };
  const apollo = createSubgraph<ServiceContext>({
    name: 'registry',
    typeDefs,
    resolvers,
    logger,
    production: config.NODE_ENV === 'production',
    plugins: [kickRelayAfterMutations as ApolloServerPlugin<never>],
  });
  const baseContext = baseContextFactory(authenticator, logger);
  const contextFor = (base: BaseContext): ServiceContext => ({
    ...base,
    dataSource,
    loaders: createLoaders(dataSource),
    today: todayUtc(clock()),
  });

  return {
    apollo,
    contextFor,
    context: async (request) => contextFor(await baseContext(request)),
    async start() {
      await apollo.start();
      relay.start();
      await rcbStatus.start();
      expiry.start();
    },
    async stop() {
      await expiry.stop();
      await rcbStatus.stop();
      await relay.stop();
      await credentials?.close();
      await apollo.stop();
    },
  };
}
