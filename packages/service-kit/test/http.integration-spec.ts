import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { parse } from 'graphql';
import {
  createLogger,
  createSubgraph,
  ensureDatabase,
  RawBody,
  serveHttp,
  type BaseContext,
  type RunningHttpServer,
} from '../src';
import { PUBLIC_VIEWER } from '@iso20000/auth';
import { testServerUrl } from '@iso20000/testing';

const logger = createLogger('service-kit-test', 'silent');
const serverUrl = testServerUrl();

describe('ensureDatabase', () => {
  it('creates the database named in the URL once, even when called concurrently', async () => {
    const name = `kit_${randomBytes(4).toString('hex')}`;
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    await Promise.all([ensureDatabase(url.toString()), ensureDatabase(url.toString())]);
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      expect(found.rowCount).toBe(1);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
      await admin.end();
    }
  });
});

describe('serveHttp', () => {
  let http: RunningHttpServer;
  let ready = true;

  beforeAll(async () => {
    const apollo = createSubgraph<BaseContext>({
      name: 'probe',
      typeDefs: parse('type Query { hello: String, boom: String }'),
      resolvers: {
        Query: {
          hello: (_: unknown, __: unknown, context: BaseContext) =>
            `hello ${context.viewer.role} ${context.requestId}`,
          boom: () => {
            throw new Error('database password is hunter2');
          },
        },
      },
      logger,
      production: true,
    });
    await apollo.start();
    http = await serveHttp({
      port: 0,
      host: '127.0.0.1',
      apollo,
      context: async (request) => ({
        requestId: String(request.headers['x-request-id']),
        viewer: PUBLIC_VIEWER,
        logger,
      }),
      ready: async () => ready,
      logger,
      routes: {
        '/.well-known/probe.json': async () => ({ keys: [] }),
        '/status-lists/1': async () => new RawBody('application/vc+jwt', 'eyJ.token'),
      },
    });
  });

  afterAll(() => http.close());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(http.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('answers GraphQL and carries the request id into the context', async () => {
    const response = await post({ query: '{ hello }' }, { 'x-request-id': 'req-12345678' });
    expect(await response.json()).toEqual({ data: { hello: 'hello public req-12345678' } });
  });

  it('masks internal errors in production', async () => {
    const body = (await (await post({ query: '{ boom }' })).json()) as {
      errors: Array<{ message: string; extensions: { code: string } }>;
    };
    expect(body.errors[0].message).toBe('Internal server error');
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });

  it('reports liveness and readiness', async () => {
    expect((await fetch(http.url.replace('/graphql', '/health'))).status).toBe(200);
    expect((await fetch(http.url.replace('/graphql', '/ready'))).status).toBe(200);
    ready = false;
    expect((await fetch(http.url.replace('/graphql', '/ready'))).status).toBe(503);
    ready = true;
  });

  it('serves extra GET routes as JSON or with their own content type', async () => {
    const json = await fetch(http.url.replace('/graphql', '/.well-known/probe.json'));
    expect(await json.json()).toEqual({ keys: [] });
    const raw = await fetch(http.url.replace('/graphql', '/status-lists/1'));
    expect(raw.headers.get('content-type')).toBe('application/vc+jwt');
    expect(await raw.text()).toBe('eyJ.token');
  });

  it('rejects a body that is not JSON with 400', async () => {
    const response = await fetch(http.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(response.status).toBe(400);
  });
});
