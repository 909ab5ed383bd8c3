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
import type { z } from 'zod';
import type { ServiceContext } from './context';
import { followCredentialUsage } from './events/credential-usage';
import { createQualificationConsumers } from './events/qualification-consumers';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

export const accreditationServiceConfig = { ...baseServiceConfig };
export type AccreditationServiceConfig = z.infer<z.ZodObject<typeof accreditationServiceConfig>>;

export const typeDefs = parse(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));

export interface AccreditationServiceDeps {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  config: AccreditationServiceConfig;
  /** Tests may pass their own; otherwise JWTs + RCB credentials replicated from our own events. */
  authenticator?: Authenticates;
}

export interface AccreditationService {
  apollo: ApolloServer<ServiceContext>;
  context: (request: IncomingGraphQLRequest) => Promise<ServiceContext>;
  /** The service context for an already verified identity (tests, in-process callers). */
  contextFor: (base: BaseContext) => ServiceContext;
  /** Starts Apollo, the outbox relay, the certificate consumers and the credential-usage follower. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The subgraph alone (no consumers, no relay): for benchmarks and tools that only read. */
export function createAccreditationSubgraph(
  logger: Logger,
  production: boolean,
  plugins: ApolloServerPlugin<ServiceContext>[] = [],
): ApolloServer<ServiceContext> {
  return createSubgraph<ServiceContext>({
    name: 'accreditation',
    typeDefs,
    resolvers,
    logger,
    production,
    plugins: plugins as ApolloServerPlugin<never>[],
  });
}

export async function buildService(deps: AccreditationServiceDeps): Promise<AccreditationService> {
  const { dataSource, nc, logger, config } = deps;
  const namespace = deps.namespace ?? config.EVENTS_NAMESPACE;
  let authenticator = deps.authenticator;
  let credentials: CredentialStore | null = null;
  if (!authenticator) {
    const created = await createServiceAuthenticator(
      { ...config, EVENTS_NAMESPACE: namespace },
      nc,
      logger,
      'accreditation',
    );
    authenticator = created.authenticator;
    credentials = created.credentials;
  }
  const relay = new OutboxRelay({ dataSource, nc, namespace, logger });
  const consumers = createQualificationConsumers({ dataSource, nc, namespace, logger });
  let usage: ReturnType<typeof followCredentialUsage> | null = null;

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
  const apollo = createAccreditationSubgraph(logger, config.NODE_ENV === 'production', [
    kickRelayAfterMutations,
  ]);
  const baseContext = baseContextFactory(authenticator, logger);
  const contextFor = (base: BaseContext): ServiceContext => ({
    ...base,
    dataSource,
    loaders: createLoaders(dataSource),
  });

  return {
    apollo,
    contextFor,
    context: async (request) => contextFor(await baseContext(request)),
    async start() {
      await apollo.start();
      relay.start();
      for (const consumer of consumers) await consumer.start();
      usage = followCredentialUsage({ dataSource, nc, namespace, logger });
    },
    async stop() {
      await usage?.stop();
      for (const consumer of consumers) await consumer.stop();
      await relay.stop();
      await credentials?.close();
      await apollo.stop();
    },
  };
}
