import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import type { Viewer } from '@iso20000/auth';
import { createLogger, createSubgraph, type BaseContext } from '@iso20000/service-kit';
import {
  createTestDatabase,
  executeOperation,
  type OperationResult,
  type TestDatabase,
  viewers,
} from '@iso20000/testing';
import { parse } from 'graphql';
import {
  statisticsEntities,
  statisticsMigrations,
  statisticsResolvers,
  statisticsTypeDefs,
  type StatisticsContext,
} from '../../src/statistics';

// The statistics schema needs only these few things from the exam subgraph's schema; the tests run
// against them so they do not depend on the rest of the exam service.
const EXAM_SCHEMA_STUB = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
  enum ExamCode { FOUNDATION PRACTITIONER AUDITOR }
  type PageInfo @shareable { hasNextPage: Boolean! endCursor: String }
  type Query { _statisticsTestProbe: Boolean }
`;

type StatisticsTestContext = StatisticsContext & BaseContext;

export interface StatisticsTestServer {
  database: TestDatabase;
  apollo: ApolloServer<StatisticsTestContext>;
  run<TData = Record<string, unknown>>(
    viewer: Viewer,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<OperationResult<TData>>;
  dispose(): Promise<void>;
}

export async function startStatisticsTestServer(): Promise<StatisticsTestServer> {
  const database = await createTestDatabase('exam_statistics', {
    entities: statisticsEntities,
    migrations: statisticsMigrations,
  });
  // built as every subgraph is, so refusals reach the client as they do in production
  const logger = createLogger('exam-statistics-test', process.env.LOG_LEVEL ?? 'silent');
  const apollo = createSubgraph<StatisticsTestContext>({
    name: 'exam-statistics-test',
    typeDefs: parse(EXAM_SCHEMA_STUB + statisticsTypeDefs()),
    resolvers: statisticsResolvers,
    logger,
    production: false,
  });
  await apollo.start();
  return {
    database,
    apollo,
    run: (viewer, query, variables) =>
      executeOperation(
        apollo,
        { query, variables },
        { requestId: randomUUID(), viewer, logger, dataSource: database.dataSource },
      ),
    async dispose() {
      await apollo.stop();
      await database.dispose();
    },
  };
}

export const ANALYST: Viewer = viewers.analyst();
export const SCHEME_STAFF: Viewer = viewers.schemeStaff();
