import { GraphQLError, parse } from 'graphql';
import { createLogger, createSubgraph, DomainRefusal, refuse, toClientError, type BaseContext } from '../src';
import { PUBLIC_VIEWER } from '@iso20000/auth';

describe('DomainRefusal mapped once', () => {
  const logger = createLogger('refusal-test', 'silent');
  const subgraph = createSubgraph<BaseContext>({
    name: 'refusal-test',
    typeDefs: parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Query { refused: String, duplicate: String, namedDuplicate: String, broken: String }
    `),
    resolvers: {
      Query: {
        refused: () => {
          throw refuse.conflict('This certification was changed by someone else', { currentVersion: 3 });
        },
        duplicate: () => {
          throw Object.assign(new Error('duplicate key value'), { code: '23505', constraint: 'uq_other' });
        },
        namedDuplicate: () => {
          throw Object.assign(new Error('query failed'), {
            driverError: { code: '23505', constraint: 'uq_sittings_session_candidate' },
          });
        },
        broken: () => {
          throw new Error('connect ECONNREFUSED 10.0.0.7:5432');
        },
      },
    },
    logger,
    production: true,
    uniqueViolations: {
      uq_sittings_session_candidate: 'the candidate is already registered for this session',
    },
  });

  beforeAll(() => subgraph.start());
  afterAll(() => subgraph.stop());

  async function errorOf(field: string) {
    const response = await subgraph.executeOperation(
      { query: `{ ${field} }` },
      { contextValue: { requestId: 'r', viewer: PUBLIC_VIEWER, logger } },
    );
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult.errors?.[0];
  }

  it('gives a refusal its code, message and details', async () => {
    const error = await errorOf('refused');
    expect(error?.message).toBe('This certification was changed by someone else');
    expect(error?.extensions).toEqual({ code: 'CONFLICT', currentVersion: 3 });
  });

  it('answers a named unique violation with its message, an unnamed one with CONFLICT', async () => {
    expect(await errorOf('namedDuplicate')).toMatchObject({
      message: 'the candidate is already registered for this session',
      extensions: { code: 'CONFLICT' },
    });
    expect((await errorOf('duplicate'))?.extensions?.code).toBe('CONFLICT');
  });

  it('still masks internal errors in production', async () => {
    expect(await errorOf('broken')).toMatchObject({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('toClientError leaves GraphQL errors alone and ignores other errors', () => {
    const graphQLError = new GraphQLError('x', { extensions: { code: 'FORBIDDEN' } });
    expect(toClientError(graphQLError)).toBe(graphQLError);
    expect(toClientError(new Error('x'))).toBeNull();
    expect(toClientError(new DomainRefusal('NOT_FOUND', 'No ATO x'))?.extensions).toEqual({
      code: 'NOT_FOUND',
    });
  });
});
