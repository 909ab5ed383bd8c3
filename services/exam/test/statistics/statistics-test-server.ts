import 'reflect-metadata';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { Viewer } from '@iso20000/auth';
import { createTestDatabase, executeOperation, type OperationResult, type TestDatabase } from '@iso20000/testing';
import { parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { statisticsEntities, statisticsMigrations, statisticsResolvers, statisticsTypeDefs, type StatisticsContext } from '../../src/statistics';

// The statistics schema needs only these few things from the exam subgraph's schema; the tests run
// against them so they do not depend on the rest of the exam service.
const EXAM_SCHEMA_STUB = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
  enum ExamCode { FOUNDATION PRACTITIONER AUDITOR }
  type PageInfo @shareable { hasNextPage: Boolean! endCursor: String }
  type Query { _statisticsTestProbe: Boolean }
`;

export interface StatisticsTestServer {
  database: TestDatabase;
  apollo: ApolloServer<StatisticsContext>;
  run<TData = Record<string, unknown>>(viewer: Viewer, query: string, variables?: Record<string, unknown>): Promise<OperationResult<TData>>;
  dispose(): Promise<void>;
}

export async function startStatisticsTestServer(): Promise<StatisticsTestServer> {
  const database = await createTestDatabase('exam_statistics', { entities: statisticsEntities, migrations: statisticsMigrations });
  const schema = buildSubgraphSchema([
    { typeDefs: parse(EXAM_SCHEMA_STUB + statisticsTypeDefs()), resolvers: statisticsResolvers as unknown as GraphQLResolverMap<StatisticsContext> },
  ]);
  const apollo = new ApolloServer<StatisticsContext>({ schema });
  await apollo.start();
  return {
    database,
    apollo,
    run: (viewer, query, variables) => executeOperation(apollo, { query, variables }, { viewer, dataSource: database.dataSource }),
    async dispose() {
      await apollo.stop();
      await database.dispose();
    },
  };
}

export const ANALYST: Viewer = { role: 'analyst', subject: 'analyst-1' };
export const SCHEME_STAFF: Viewer = { role: 'scheme_staff', subject: 'staff-1' };
