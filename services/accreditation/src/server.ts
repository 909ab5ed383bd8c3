import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApolloServer } from '@apollo/server';
import {
  assembleService,
  createSubgraph,
  idleRateLimitBucketsSweep,
  PostgresRateLimiter,
  rateLimitClientKey,
  type AssembledService,
  type Authenticates,
  type Logger,
} from '@iso20000/service-kit';
import { parse } from 'graphql';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { TRAINER_UNIQUE_VIOLATIONS } from './commands/add-trainer';
import type { AccreditationServiceConfig } from './config';
import type { ServiceContext } from './context';
import { credentialSnapshotResponder } from './events/credential-snapshot';
import { credentialUsageFollower } from './events/credential-usage';
import { createQualificationConsumers } from './events/qualification-consumers';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

export const typeDefs = parse(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));

/** What this service's unique indexes mean to a client who runs into one (CONFLICT). */
const uniqueViolations = { ...TRAINER_UNIQUE_VIOLATIONS };

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
  return createSubgraph<ServiceContext>({
    name: 'accreditation',
    typeDefs,
    resolvers,
    logger,
    production,
    uniqueViolations,
  });
}

export async function buildService(deps: AccreditationServiceDeps): Promise<AccreditationService> {
  const { dataSource, nc, logger } = deps;
  const namespace = deps.namespace ?? deps.config.EVENTS_NAMESPACE;
  const applicationBudget = new PostgresRateLimiter(dataSource, {
    name: 'application',
    burst: deps.config.APPLICATION_RATE_LIMIT_BURST,
    perMinute: deps.config.APPLICATION_RATE_LIMIT_PER_MINUTE,
  });
  return assembleService<ServiceContext>({
    ...deps,
    name: 'accreditation',
    typeDefs,
    resolvers,
    uniqueViolations,
    contextFor: (base) => ({
      ...base,
      dataSource,
      loaders: createLoaders(dataSource),
      applicationBudget,
      rateLimitKey: rateLimitClientKey(base.viewer, base.clientAddress),
    }),
    workers: () => [
      idleRateLimitBucketsSweep(dataSource, logger),
      ...createQualificationConsumers({ dataSource, nc, namespace, logger }),
      credentialUsageFollower({ dataSource, nc, namespace, logger }),
      credentialSnapshotResponder({ dataSource, nc, namespace, logger }),
    ],
  });
}
