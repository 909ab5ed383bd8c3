import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assembleService,
  baseServiceConfig,
  type AssembledService,
  type Authenticates,
  type Logger,
} from '@iso20000/service-kit';
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
  });
}
