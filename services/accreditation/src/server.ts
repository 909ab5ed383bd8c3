import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApolloServer } from '@apollo/server';
import {
  assembleService,
  baseServiceConfig,
  createSubgraph,
  type AssembledService,
  type Authenticates,
  type BackgroundWorker,
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

/** Apollo, the outbox relay, the certificate consumers and the credential-usage follower. */
export type AccreditationService = AssembledService<ServiceContext>;

/** The subgraph alone (no consumers, no relay): for benchmarks and tools that only read. */
export function createAccreditationSubgraph(
  logger: Logger,
  production: boolean,
): ApolloServer<ServiceContext> {
  return createSubgraph<ServiceContext>({ name: 'accreditation', typeDefs, resolvers, logger, production });
}

export async function buildService(deps: AccreditationServiceDeps): Promise<AccreditationService> {
  const { dataSource, nc, logger } = deps;
  const namespace = deps.namespace ?? deps.config.EVENTS_NAMESPACE;
  return assembleService<ServiceContext>({
    ...deps,
    name: 'accreditation',
    typeDefs,
    resolvers,
    contextFor: (base) => ({ ...base, dataSource, loaders: createLoaders(dataSource) }),
    workers: () => [
      ...createQualificationConsumers({ dataSource, nc, namespace, logger }),
      credentialUsageFollower({ dataSource, nc, namespace, logger }),
    ],
  });
}

/** The usage follower subscribes when called: started with the other workers, not when built. */
function credentialUsageFollower(deps: Parameters<typeof followCredentialUsage>[0]): BackgroundWorker {
  let usage: ReturnType<typeof followCredentialUsage> | null = null;
  return {
    start() {
      usage = followCredentialUsage(deps);
    },
    async stop() {
      await usage?.stop();
      usage = null;
    },
  };
}
