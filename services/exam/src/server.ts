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
import { createServiceContext, type ServiceContext } from './context';
import { createExamConsumers } from './events/exam-consumers';
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
}

/** Apollo, the outbox relay and the event consumers. */
export type ExamService = AssembledService<ServiceContext>;

export async function buildService(deps: ExamServiceDeps): Promise<ExamService> {
  const { dataSource, nc, logger } = deps;
  const namespace = deps.namespace ?? deps.config.EVENTS_NAMESPACE;
  return assembleService<ServiceContext>({
    ...deps,
    name: 'exam',
    typeDefs: parse(loadTypeDefs()),
    resolvers: mergeResolvers(resolvers, statisticsResolvers),
    contextFor: (base) => createServiceContext(base, dataSource),
    workers: () => createExamConsumers({ dataSource, nc, namespace, logger }),
    uniqueViolations: examUniqueViolations,
  });
}
