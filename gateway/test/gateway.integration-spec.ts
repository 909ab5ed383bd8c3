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
  type Candidate @key(fields: "id") { id: ID! name: String! friend: Candidate }
`;
const certificateSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Candidate @key(fields: "id") { id: ID! certificateCount: Int! }
`;

describe('gateway', () => {
  const servers: RunningHttpServer[] = [];
  let gatewayHttp: RunningHttpServer;
  const seenHeaders: Array<Record<string, string | string[] | undefined>> = [];

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
    const gateway = buildGateway({
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
      logger,
    });
    servers.push(gatewayHttp);
  });

  afterAll(async () => {
    for (const server of servers.reverse()) await server.close();
  });

  const post = async (query: string, headers: Record<string, string> = {}) => {
    const response = await fetch(gatewayHttp.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
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
});
