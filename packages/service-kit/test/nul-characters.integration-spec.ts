import { randomBytes } from 'node:crypto';
import { parse } from 'graphql';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { PUBLIC_VIEWER } from '@iso20000/auth';
import { testServerUrl } from '@iso20000/testing';
import {
  createDataSource,
  createLogger,
  createSubgraph,
  ensureDatabase,
  serveHttp,
  type BaseContext,
  type RunningHttpServer,
} from '../src';

const logger = createLogger('service-kit-test', 'silent');
const name = `kit_nul_${randomBytes(4).toString('hex')}`;
const url = (() => {
  const u = new URL(testServerUrl());
  u.pathname = `/${name}`;
  return u.toString();
})();

// Resolvers that hand their strings to PostgreSQL unchecked, as a careless one would: without the
// subgraph's own check a NUL becomes "invalid byte sequence for encoding UTF8: 0x00", a 500.
const typeDefs = parse(`
  input OrganizationFilter { name: String, country: String, tags: [String!] }
  input Nested { filter: OrganizationFilter }
  type Query {
    organization(id: ID!): String
    organizations(filter: OrganizationFilter, nested: Nested): [String!]!
  }
  type Mutation { rename(id: ID!, name: String!): String }
`);

describe('a NUL character in any string of an operation', () => {
  let dataSource: DataSource;
  let http: RunningHttpServer;
  const seen: string[] = [];

  beforeAll(async () => {
    await ensureDatabase(url);
    dataSource = createDataSource({ url, entities: [], migrations: [], logger, poolSize: 2 });
    await dataSource.initialize();
    const echo = async (value: unknown) => {
      const rows: Array<{ v: string }> = await dataSource.query('SELECT $1::text AS v', [
        JSON.stringify(value),
      ]);
      seen.push(rows[0].v);
      return rows[0].v;
    };
    const apollo = createSubgraph<BaseContext>({
      name: 'probe',
      typeDefs,
      resolvers: {
        Query: {
          organization: (_: unknown, args: { id: string }) => echo(args.id),
          organizations: async (_: unknown, args: unknown) => [await echo(args)],
        },
        Mutation: { rename: (_: unknown, args: unknown) => echo(args) },
      },
      logger,
      production: true,
    });
    await apollo.start();
    http = await serveHttp({
      port: 0,
      host: '127.0.0.1',
      apollo,
      context: async () => {
        const context = { requestId: 'r', viewer: PUBLIC_VIEWER, logger, clientAddress: undefined };
        return context as BaseContext;
      },
      logger,
    });
  });

  afterAll(async () => {
    await http.close();
    await dataSource.destroy();
    const admin = new Client({ connectionString: testServerUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  const post = async (query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(http.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as {
      data?: unknown;
      errors?: Array<{ message: string; extensions: { code: string; field?: string } }>;
    };
    return { status: res.status, body };
  };

  const cases: Array<[string, string, Record<string, unknown> | undefined, string]> = [
    ['an id variable', 'query($id: ID!) { organization(id: $id) }', { id: 'abc\u0000' }, 'id'],
    [
      'a filter field',
      'query($f: OrganizationFilter) { organizations(filter: $f) }',
      { f: { name: 'Acme\u0000' } },
      'f.name',
    ],
    [
      'a list item in a nested input',
      'query($n: Nested) { organizations(nested: $n) }',
      { n: { filter: { tags: ['ok', 'bad\u0000'] } } },
      'n.filter.tags[1]',
    ],
    [
      'a mutation argument',
      'mutation($id: ID!, $name: String!) { rename(id: $id, name: $name) }',
      { id: '1', name: '\u0000' },
      'name',
    ],
    ['an id literal in the document', '{ organization(id: "abc\\u0000") }', undefined, 'id'],
    [
      'a filter literal in the document',
      '{ organizations(filter: { country: "D\\u0000E" }) }',
      undefined,
      'filter.country',
    ],
  ];

  it.each(cases)(
    '%s is BAD_USER_INPUT naming where, HTTP 400, and reaches no resolver',
    async (_, query, variables, field) => {
      seen.length = 0;
      const { status, body } = await post(query, variables);
      expect(status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(body.errors?.[0].message).toMatch(/contains a NUL character/);
      expect(seen).toEqual([]);
    },
  );

  it('leaves other text alone, up to PostgreSQL and back', async () => {
    seen.length = 0;
    const { status, body } = await post('query($f: OrganizationFilter) { organizations(filter: $f) }', {
      f: { name: 'Ac\u00adme \u200e', tags: ['x'] },
    });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(seen).toHaveLength(1);
  });
});
