import { composeServices } from '@apollo/composition';
import { PUBLIC_VIEWER } from '@iso20000/auth';
import {
  createLogger,
  createSubgraph,
  serveHttp,
  type BaseContext,
  type RunningHttpServer,
} from '@iso20000/service-kit';
import { TEST_AUTH_SECRET, tokenFor } from '@iso20000/testing';
import { createAuthenticator } from '@iso20000/auth';
import { parse } from 'graphql';
import { loadGatewayConfig } from '../src/config';
import { buildGateway } from '../src/gateway';

// A two-subgraph federation served over real HTTP, so the gateway's forwarding, limits and error
// masking are tested as clients meet them.
const logger = createLogger('gateway-test', 'silent');
const candidateSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { candidate(id: ID!): Candidate, whoami: String, boom: String }
  type Mutation { bump: Int! }
  type Candidate @key(fields: "id") { id: ID! name: String! friend: Candidate }
`;
const certificateSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Candidate @key(fields: "id") { id: ID! certificateCount: Int! }
`;

describe('gateway', () => {
  const servers: RunningHttpServer[] = [];
  let gatewayHttp: RunningHttpServer;
  let gateway: ReturnType<typeof buildGateway>;
  const seenHeaders: Array<Record<string, string | string[] | undefined>> = [];
  // What the subgraphs received: the client's own body on a single-subgraph route, a planned fetch otherwise.
  const seenBodies: Array<{ query?: string; operationName?: string }> = [];
  let bumps = 0;

  async function subgraph(typeDefs: string, resolvers: object): Promise<RunningHttpServer> {
    const apollo = createSubgraph<BaseContext>({
      name: 'probe',
      typeDefs: parse(typeDefs),
      resolvers,
      logger,
      production: true,
    });
    await apollo.start();
    const http = await serveHttp({
      port: 0,
      host: '127.0.0.1',
      apollo,
      context: async (request) => {
        seenHeaders.push(request.headers);
        return { requestId: String(request.headers['x-request-id']), viewer: PUBLIC_VIEWER, logger };
      },
      shortcut: async ({ body }) => {
        seenBodies.push(body as { query?: string; operationName?: string });
        return false;
      },
      logger,
    });
    servers.push(http);
    return http;
  }

  beforeAll(async () => {
    const candidate = (id: string) => ({ id, name: `Candidate ${id}`, friend: { id: `${id}x` } });
    const candidates = await subgraph(candidateSdl, {
      Query: {
        candidate: (_: unknown, args: { id: string }) => candidate(args.id),
        whoami: () => 'subgraph',
        boom: () => {
          throw new Error('connection string postgres://secret@db');
        },
      },
      Mutation: { bump: () => (bumps += 1) },
      Candidate: {
        __resolveReference: (ref: { id: string }) => candidate(ref.id),
        friend: (c: { id: string }) => candidate(`${c.id}x`),
      },
    });
    const certificates = await subgraph(certificateSdl, {
      Candidate: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id, certificateCount: ref.id.length }),
      },
    });
    const composed = composeServices([
      { name: 'exam', url: candidates.url, typeDefs: parse(candidateSdl) },
      { name: 'certificate', url: certificates.url, typeDefs: parse(certificateSdl) },
    ]);
    if (composed.errors) throw composed.errors[0];
    const config = loadGatewayConfig({
      NODE_ENV: 'production',
      PORT: '0',
      EXAM_URL: candidates.url,
      CERTIFICATE_URL: certificates.url,
      GATEWAY_MAX_DEPTH: '6',
      GATEWAY_MAX_ALIASES: '3',
    });
    gateway = buildGateway({
      config,
      authenticator: createAuthenticator({ devSecret: TEST_AUTH_SECRET }),
      logger,
      supergraphSdl: composed.supergraphSdl,
    });
    await gateway.apollo.start();
    gatewayHttp = await serveHttp({
      port: 0,
      host: '127.0.0.1',
      apollo: gateway.apollo,
      context: gateway.context,
      shortcut: gateway.shortcut,
      logger,
    });
    servers.push(gatewayHttp);
  });

  afterAll(async () => {
    for (const server of servers.reverse()) await server.close();
  });

  const post = async (
    query: string,
    headers: Record<string, string> = {},
    extra: { operationName?: string; variables?: Record<string, unknown> } = {},
  ) => {
    const response = await fetch(gatewayHttp.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, ...extra }),
    });
    return {
      status: response.status,
      body: (await response.json()) as {
        data?: unknown;
        errors?: Array<{ message: string; extensions?: { code?: string } }>;
      },
    };
  };

  it('resolves a query spanning two subgraphs', async () => {
    const { body } = await post('{ candidate(id: "c1") { name certificateCount } }');
    expect(body).toEqual({ data: { candidate: { name: 'Candidate c1', certificateCount: 2 } } });
  });

  it('forwards the Authorization header and a request id to subgraphs', async () => {
    const token = await tokenFor({ role: 'analyst', subject: 'a1' });
    seenHeaders.length = 0;
    await post('{ whoami }', { authorization: `Bearer ${token}`, 'x-request-id': 'req-abcdef123' });
    expect(seenHeaders.at(-1)?.authorization).toBe(`Bearer ${token}`);
    expect(seenHeaders.at(-1)?.['x-request-id']).toBe('req-abcdef123');
  });

  it('refuses a bad credential at the edge with 401', async () => {
    const { status, body } = await post('{ whoami }', { authorization: 'Bearer not.a.jwt' });
    expect(status).toBe(401);
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses operations deeper than the limit', async () => {
    const { body } = await post(
      '{ candidate(id: "1") { friend { friend { friend { friend { friend { friend { id } } } } } } } }',
    );
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0].message).toMatch(/depth/i);
  });

  it('refuses too many aliases', async () => {
    const { body } = await post('{ a: whoami b: whoami c: whoami d: whoami e: whoami }');
    expect(body.errors?.[0].message).toMatch(/alias/i);
  });

  it('masks internal subgraph errors in production', async () => {
    const { body } = await post('{ boom }');
    expect(JSON.stringify(body)).not.toContain('postgres://secret');
  });

  describe('single-subgraph routes', () => {
    const query = 'query Who($id: ID!) { candidate(id: $id) { id name } }';
    const variables = { id: 'c7' };

    it('plans an operation once, then sends it to its subgraph as written, with the same answer', async () => {
      const planned = await post(query, {}, { operationName: 'Who', variables });
      expect(seenBodies.at(-1)?.operationName).toBe('Who__exam__0');
      const routed = await post(query, {}, { operationName: 'Who', variables });
      expect(seenBodies.at(-1)).toEqual({ query, operationName: 'Who', variables });
      expect(routed).toEqual(planned);
      expect(routed.body).toEqual({ data: { candidate: { id: 'c7', name: 'Candidate c7' } } });
    });

    it('never routes an operation that spans subgraphs', async () => {
      const spanning = '{ candidate(id: "c9") { name certificateCount } }';
      await post(spanning);
      const { body } = await post(spanning);
      expect(body).toEqual({ data: { candidate: { name: 'Candidate c9', certificateCount: 2 } } });
      expect(seenBodies.some((seen) => seen.query === spanning)).toBe(false);
      expect(gateway.routes?.lookup(spanning, undefined)).toBeNull();
    });

    it('forwards the credential and request id, and still refuses a bad credential with 401', async () => {
      const token = await tokenFor({ role: 'analyst', subject: 'a2' });
      await post('{ whoami }');
      seenHeaders.length = 0;
      await post('{ whoami }', { authorization: `Bearer ${token}`, 'x-request-id': 'req-routed-42' });
      expect(seenBodies.at(-1)?.query).toBe('{ whoami }');
      expect(seenHeaders.at(-1)?.authorization).toBe(`Bearer ${token}`);
      expect(seenHeaders.at(-1)?.['x-request-id']).toBe('req-routed-42');
      const { status, body } = await post('{ whoami }', { authorization: 'Bearer not.a.jwt' });
      expect(status).toBe(401);
      expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('masks internal errors on the routed path too', async () => {
      await post('{ boom }');
      const { body } = await post('{ boom }');
      expect(seenBodies.at(-1)?.query).toBe('{ boom }');
      expect(JSON.stringify(body)).not.toContain('postgres://secret');
      expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    });

    it('runs a routed mutation exactly once per request', async () => {
      const before = bumps;
      const first = await post('mutation { bump }');
      const second = await post('mutation { bump }');
      expect(seenBodies.at(-1)?.query).toBe('mutation { bump }');
      expect([first.body.data, second.body.data]).toEqual([{ bump: before + 1 }, { bump: before + 2 }]);
      expect(bumps).toBe(before + 2);
    });

    it('answers variable errors as the planned path does', async () => {
      const named = 'query Named($id: ID!) { candidate(id: $id) { name } }';
      // Refused before planning, so not learned: this answer is the planned path's.
      const planned = await post(named, {}, { operationName: 'Named', variables: {} });
      await post(named, {}, { operationName: 'Named', variables: { id: 'c1' } });
      const routed = await post(named, {}, { operationName: 'Named', variables: {} });
      expect(seenBodies.at(-1)).toEqual({ query: named, operationName: 'Named', variables: {} });
      expect(routed.status).toBe(planned.status);
      expect(routed.body.errors?.[0]).toMatchObject({
        message: planned.body.errors?.[0].message,
        extensions: { code: 'BAD_USER_INPUT' },
      });
    });
  });
});
