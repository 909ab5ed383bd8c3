import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assembleService,
  type AssembledService,
  type Authenticates,
  type Logger,
} from '@iso20000/service-kit';
import { parse } from 'graphql';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import type { ExamServiceConfig } from './config';
import { createServiceContext, type AtoStatusCopy, type ServiceContext } from './context';
import { createAtoStatusFreshness, createExamConsumers } from './events/exam-consumers';
import { mergeResolvers, resolvers } from './resolvers';
import { statisticsResolvers, statisticsTypeDefs } from './statistics';

/** The subgraph's SDL: the exam schema and the statistics feature's. */
export function loadTypeDefs(): string {
  return [readFileSync(join(__dirname, 'schema.graphql'), 'utf8'), statisticsTypeDefs()].join('\n');
}

/** What the service's unique indexes mean to a client (a race past the command's own check). */
export const examUniqueViolations = {
  uq_sittings_session_candidate: 'the candidate is already registered for this session',
};

export interface ExamServiceDeps {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  config: ExamServiceConfig;
  /** Tests may pass their own; otherwise JWTs + RCB credentials replicated from accreditation. */
  authenticator?: Authenticates;
  /** Tests that write ATO statuses straight into the table (no consumer runs) pass a copy current by construction. */
  atoStatusCopy?: AtoStatusCopy;
}

/** Apollo, the outbox relay and the event consumers. */
export type ExamService = AssembledService<ServiceContext>;

export async function buildService(deps: ExamServiceDeps): Promise<ExamService> {
  const { dataSource, nc, logger } = deps;
  const namespace = deps.namespace ?? deps.config.EVENTS_NAMESPACE;
  const atoStatusCopy = createAtoStatusFreshness({
    nc,
    namespace,
    logger,
    maxStalenessMs: deps.config.REPLICA_MAX_STALENESS_MS,
  });
  return assembleService<ServiceContext>({
    ...deps,
    name: 'exam',
    typeDefs: parse(loadTypeDefs()),
    resolvers: mergeResolvers(resolvers, statisticsResolvers),
    contextFor: (base) => createServiceContext(base, dataSource, deps.atoStatusCopy ?? atoStatusCopy),
    workers: () => [...createExamConsumers({ dataSource, nc, namespace, logger }), atoStatusCopy],
    uniqueViolations: examUniqueViolations,
  });
}
