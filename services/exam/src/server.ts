import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CredentialStore } from '@iso20000/auth';
import { OutboxRelay } from '@iso20000/events';
import {
  baseContextFactory,
  baseServiceConfig,
  createServiceAuthenticator,
  createSubgraph,
  type Authenticates,
  type IncomingGraphQLRequest,
  type Logger,
} from '@iso20000/service-kit';
import type { ApolloServer } from '@apollo/server';
import { parse } from 'graphql';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import type { z } from 'zod';
import { createServiceContext, type ServiceContext } from './context';
import { createExamConsumers } from './events/exam-consumers';
import { mergeResolvers, resolvers } from './resolvers';
import { statisticsResolvers } from './statistics';

export const examServiceConfig = { ...baseServiceConfig };
export type ExamServiceConfig = z.infer<z.ZodObject<typeof examServiceConfig>>;

/** The subgraph's SDL: the exam schema plus the statistics feature's, when present. */
export function loadTypeDefs(): string {
  const files = [join(__dirname, 'schema.graphql'), join(__dirname, 'statistics', 'statistics.graphql')];
  return files
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
}

export interface ExamServiceDeps {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  config: ExamServiceConfig;
  /** Tests may pass their own; otherwise JWTs + RCB credentials replicated from accreditation. */
  authenticator?: Authenticates;
}

export interface ExamService {
  apollo: ApolloServer<ServiceContext>;
  context: (request: IncomingGraphQLRequest) => Promise<ServiceContext>;
  /** Starts Apollo, the outbox relay and the event consumers. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function buildService(deps: ExamServiceDeps): Promise<ExamService> {
  const { dataSource, nc, logger, config } = deps;
  const namespace = deps.namespace ?? config.EVENTS_NAMESPACE;
  let authenticator = deps.authenticator;
  let credentials: CredentialStore | null = null;
  if (!authenticator) {
    const created = await createServiceAuthenticator({ ...config, EVENTS_NAMESPACE: namespace }, nc, logger, 'exam');
    authenticator = created.authenticator;
    credentials = created.credentials;
  }
  const relay = new OutboxRelay({ dataSource, nc, namespace, logger });
  const consumers = createExamConsumers({ dataSource, nc, namespace, logger });
  const apollo = createSubgraph<ServiceContext>({
    name: 'exam',
    typeDefs: parse(loadTypeDefs()),
    resolvers: mergeResolvers(resolvers, statisticsResolvers),
    logger,
    production: config.NODE_ENV === 'production',
  });
  const baseContext = baseContextFactory(authenticator, logger);

  return {
    apollo,
    context: async (request) => createServiceContext(await baseContext(request), dataSource, () => relay.kick()),
    async start() {
      await apollo.start();
      relay.start();
      for (const consumer of consumers) await consumer.start();
    },
    async stop() {
      for (const consumer of consumers) await consumer.stop();
      await relay.stop();
      await credentials?.close();
      await apollo.stop();
    },
  };
}
