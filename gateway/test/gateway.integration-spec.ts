import { composeServices } from '@apollo/composition';
import { PUBLIC_VIEWER, requireAuthenticated } from '@iso20000/auth';
import {
  conflict,
  createLogger,
  createSubgraph,
  DateScalar,
  refuse,
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
// The probes' subgraphs: the anonymous viewer signs in nowhere, so `mine` and `privateNote` are
// refused with the services' own UNAUTHENTICATED error (HTTP 401).
const candidateSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  scalar Date
  type Query {
    candidate(id: ID!): Candidate, whoami: String, boom: String
    sittingsOn(day: Date!): [String!], mine: String, slow: String, limited: String
  }
  type Mutation { bump: Int!, reserve(seat: String!): Boolean, book(day: Date!): String }
  type Candidate @key(fields: "id") {
    id: ID! name: String! friend: Candidate, friends(first: Int = 10): [Candidate!]!, sittings: [Sitting!]!
    "The same candidate twice, then another: entities repeated within one list"
    team: [Candidate!]!
  }
  type Sitting @key(fields: "id") { id: ID! room: String! }
`;
const certificateSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  scalar Date
  type Candidate @key(fields: "id") {
    id: ID! certificateCount: Int! privateNote: String, certifiedOn(day: Date!): Boolean
  }
  type Sitting @key(fields: "id") { id: ID! grade(scale: String): String! }
`;
const registrySdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { organizations: [String!] }
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

  let registry: RunningHttpServer;
  let developmentHttp: RunningHttpServer;
  let behindTrustedProxyHttp: RunningHttpServer;
  // Apollo Gateway executes every plan here: what a compiled plan's answer is compared with.
  let apolloExecutedHttp: RunningHttpServer;

  beforeAll(async () => {
    const candidate = (id: string) => ({ id, name: `Candidate ${id}`, friend: { id: `${id}x` } });
    const candidates = await subgraph(candidateSdl, {
      Date: DateScalar,
      Query: {
        candidate: (_: unknown, args: { id: string }) => candidate(args.id),
        whoami: () => 'subgraph',
        boom: () => {
          throw new Error('connection string postgres://secret@db');
        },
        sittingsOn: (_: unknown, args: { day: string }) => [`sitting on ${args.day}`],
        limited: () => {
          throw refuse.rateLimited('Too many verifications from this client; try again in 42 seconds.', {
            retryAfterSeconds: 42,
          });
        },
        slow: () => new Promise((resolve) => setTimeout(() => resolve('late'), 3_000).unref()),
        mine: (_: unknown, _args: unknown, context: BaseContext) => {
          requireAuthenticated(context.viewer);
          return 'mine';
        },
      },
      Mutation: {
        bump: () => (bumps += 1),
        book: (_: unknown, args: { day: string }) => `booked ${args.day}`,
        reserve: (_: unknown, args: { seat: string }) => {
          throw conflict(`Seat ${args.seat} is taken`, { seat: args.seat });
        },
      },
      Candidate: {
        __resolveReference: (ref: { id: string }) => candidate(ref.id),
        friend: (c: { id: string }) => candidate(`${c.id}x`),
        friends: (c: { id: string }, args: { first: number }) =>
          Array.from({ length: args.first }, (_, i) => candidate(`${c.id}${i}`)),
        sittings: (c: { id: string }) => [1, 2, 3].map((n) => ({ id: `${c.id}-s${n}`, room: `Room ${n}` })),
        team: (c: { id: string }) => [candidate(`${c.id}x`), candidate(`${c.id}x`), candidate(`${c.id}yz`)],
      },
      Sitting: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id, room: `Room of ${ref.id}` }),
      },
    });
    const certificates = await subgraph(certificateSdl, {
      Date: DateScalar,
      Candidate: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id, certificateCount: ref.id.length }),
        privateNote: (_: unknown, _args: unknown, context: BaseContext) => {
          requireAuthenticated(context.viewer);
          return 'note';
        },
        certifiedOn: () => true,
      },
      Sitting: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
        grade: (sitting: { id: string }, args: { scale?: string }) =>
          `${args.scale ?? 'A-F'} grade of ${sitting.id}`,
      },
    });
    registry = await subgraph(registrySdl, { Query: { organizations: () => ['Acme'] } });
    const composed = composeServices([
      { name: 'exam', url: candidates.url, typeDefs: parse(candidateSdl) },
      { name: 'certificate', url: certificates.url, typeDefs: parse(certificateSdl) },
      { name: 'registry', url: registry.url, typeDefs: parse(registrySdl) },
    ]);
    if (composed.errors) throw composed.errors[0];
    const start = async (nodeEnv: 'production' | 'development', extraEnv: Record<string, string> = {}) => {
      const config = loadGatewayConfig({
        NODE_ENV: nodeEnv,
        PORT: '0',
        EXAM_URL: candidates.url,
        CERTIFICATE_URL: certificates.url,
        REGISTRY_URL: registry.url,
        GATEWAY_MAX_DEPTH: '6',
        GATEWAY_MAX_ALIASES: '3',
        GATEWAY_MAX_COST: '500',
        GATEWAY_SUBGRAPH_TIMEOUT_MS: '1000',
        ...extraEnv,
      });
      const built = buildGateway({
        config,
        authenticator: createAuthenticator({ devSecret: TEST_AUTH_SECRET }),
        logger,
        supergraphSdl: composed.supergraphSdl,
      });
      await built.apollo.start();
      const http = await serveHttp({
        port: 0,
        host: '127.0.0.1',
        apollo: built.apollo,
        context: built.context,
        shortcut: built.shortcut,
        ...built.requestLimits,
        logger,
      });
      servers.push(http);
      return { built, http };
    };
    ({ built: gateway, http: gatewayHttp } = await start('production'));
    ({ http: developmentHttp } = await start('development'));
    ({ http: behindTrustedProxyHttp } = await start('production', {
      GATEWAY_TRUSTED_PROXIES: '127.0.0.1,::1',
    }));
    ({ http: apolloExecutedHttp } = await start('production', { GATEWAY_COMPILED_PLANS: 'false' }));
  });

  afterAll(async () => {
    for (const server of servers.reverse()) await server.close();
  });

  const post = async (
    query: string,
    headers: Record<string, string> = {},
    extra: { operationName?: string; variables?: Record<string, unknown> } = {},
    url = gatewayHttp.url,
  ) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, ...extra }),
    });
    return {
      status: response.status,
      body: (await response.json()) as {
        data?: unknown;
        errors?: Array<{ message: string; extensions?: Record<string, unknown> & { code?: string } }>;
      },
    };
  };

  /** The first request of an operation (planned) and its repeats (routed when one subgraph answers it). */
  const firstAndRepeat = async (
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) => {
    const first = await post(query, headers, { variables });
    const repeat = await post(query, headers, { variables });
    const again = await post(query, headers, { variables });
    return { first, repeat, again };
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

  it('believes a client address in X-Forwarded-For only from a trusted proxy', async () => {
    const forwardedBy = async (url: string) => {
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
        body: JSON.stringify({ query: '{ whoami }' }),
      });
      return seenHeaders.at(-1)?.['x-forwarded-for'];
    };
    // a client that makes up the header spends its own budget, not someone else's
    expect(await forwardedBy(gatewayHttp.url)).toMatch(/127\.0\.0\.1/);
    // the public web (a trusted proxy) names the visitor it asks for
    expect(await forwardedBy(behindTrustedProxyHttp.url)).toBe('203.0.113.7');
  });

  it("passes a subgraph's rate limit on as HTTP 429 with Retry-After, planned and routed alike", async () => {
    const answer = async (query: string) => {
      const response = await fetch(gatewayHttp.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
      return {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        codes: body.errors?.map((error) => error.extensions?.code),
      };
    };
    const limited = { status: 429, retryAfter: '42', codes: ['RATE_LIMITED'] };
    // planned first, then routed straight to the subgraph
    for (let i = 0; i < 3; i++) expect(await answer('query Lookup { limited }')).toEqual(limited);
    // spanning two subgraphs: always planned; the rest of the answer still comes
    for (let i = 0; i < 2; i++)
      expect(await answer('{ limited candidate(id: "c1") { certificateCount } }')).toEqual(limited);
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
    expect(body.errors?.[0]).toMatchObject({
      message: 'Query depth limit of 6 exceeded, found 8.',
      extensions: { code: 'DEPTH_LIMIT_EXCEEDED' },
    });
  });

  it('answers a syntax error, and a document over the token limit, with 400 GRAPHQL_PARSE_FAILED', async () => {
    const broken = await post('{ candidate(id: "c1") { name');
    expect(broken.status).toBe(400);
    expect(broken.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^Syntax Error: Expected Name, found <EOF>/),
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
    const long = await post(`{ ${'whoami '.repeat(6_000)}}`);
    expect(long.status).toBe(400);
    expect(long.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/tokens/),
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
  });

  it('refuses a document over GATEWAY_MAX_DOCUMENT_BYTES with 413, whatever the body limit allows', async () => {
    // 4.5 MB of whitespace: under the 5 MB body limit and no tokens at all, yet megabytes to lex
    const padded = await post(`{ whoami ${' '.repeat(4_500_000)}}`);
    expect(padded.status).toBe(413);
    expect(padded.body).toEqual({
      errors: [
        { message: 'GraphQL document larger than 100000 bytes', extensions: { code: 'DOCUMENT_TOO_LARGE' } },
      ],
    });
    // large variables are still fine: only the document is bounded
    const big = await post('{ whoami }', {}, { variables: { note: 'x'.repeat(1_000_000) } });
    expect(big).toMatchObject({ status: 200, body: { data: { whoami: 'subgraph' } } });
  });

  it('refuses deeply nested JSON variables before parsing them, with 400 and a code', async () => {
    const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: [nested(depth - 1)] });
    const deep = await post('{ whoami }', {}, { variables: { v: nested(100) } });
    expect(deep.status).toBe(400);
    expect(deep.body.errors?.[0]).toMatchObject({ extensions: { code: 'JSON_DEPTH_LIMIT_EXCEEDED' } });
    // what a real operation nests (records of a bulk import, arrays of addresses) stays far below
    const usual = await post('{ whoami }', {}, { variables: { v: nested(20) } });
    expect(usual).toMatchObject({ status: 200, body: { data: { whoami: 'subgraph' } } });
    // brackets inside strings are text, not nesting
    const text = await post('{ whoami }', {}, { variables: { v: '['.repeat(10_000) } });
    expect(text.status).toBe(200);
  });

  it('refuses too many aliases', async () => {
    const { body } = await post('{ a: whoami b: whoami c: whoami d: whoami e: whoami }');
    expect(body.errors?.[0].message).toMatch(/alias/i);
    expect(body.errors?.[0]).toMatchObject({
      message: 'Aliases limit of 3 exceeded, found 5.',
      extensions: { code: 'ALIAS_LIMIT_EXCEEDED' },
    });
    // the whole operation is refused, on its repeats too, never answered empty
    const { first, repeat, again } = await firstAndRepeat(
      'query Many { a: whoami b: whoami c: whoami d: whoami }',
    );
    for (const answer of [first, repeat, again]) {
      expect(answer.status).toBe(400);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(['ALIAS_LIMIT_EXCEEDED']);
    }
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

    it('never routes an operation that spans subgraphs (its plan is compiled instead)', async () => {
      const spanning = '{ candidate(id: "c9") { name certificateCount } }';
      await post(spanning);
      const { body } = await post(spanning);
      expect(body).toEqual({ data: { candidate: { name: 'Candidate c9', certificateCount: 2 } } });
      expect(seenBodies.some((seen) => seen.query === spanning)).toBe(false);
      expect(gateway.routes?.lookup(spanning, undefined)?.kind).toBe('plan');
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
  describe('compiled plans', () => {
    /** Status, the headers a client acts on, and the body's exact text. */
    const exactly = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        cacheControl: response.headers.get('cache-control'),
        retryAfter: response.headers.get('retry-after'),
        text: await response.text(),
      };
    };
    /** The compiled answer (from the second request on) against Apollo Gateway's, and the fetches each sent. */
    const compare = async (
      body: { query: string; operationName?: string; variables?: unknown },
      headers = {},
    ) => {
      const apollo = await exactly(apolloExecutedHttp.url, body, headers);
      const apolloFetches = seenBodies.length;
      await exactly(gatewayHttp.url, body, headers);
      const before = seenBodies.length;
      const compiled = await exactly(gatewayHttp.url, body, headers);
      const compiledFetches = seenBodies.slice(before);
      expect(compiled).toEqual(apollo);
      return { apollo, compiled, compiledFetches, apolloFetchCount: apolloFetches };
    };
    const route = (query: string, operationName?: string) => {
      const learned = gateway.routes?.lookup(query, operationName);
      return learned?.kind === 'plan' ? learned : undefined;
    };

    it('answers spanning queries byte for byte as Apollo Gateway does, with the same fetches', async () => {
      const queries = [
        '{ candidate(id: "c1") { name certificateCount friend { id certificateCount name } } }',
        '{ candidate(id: "c22") { friends(first: 3) { certificateCount id } certificateCount } }',
        `query Q { a: candidate(id: "c1") { ...F friend { __typename n: name ... on Candidate { certificateCount } } }
           b: candidate(id: "c333") { certificateCount } } fragment F on Candidate { id certificateCount name }`,
        '{ __typename candidate(id: "c4") { __typename certificateCount name } }',
      ];
      for (const query of queries) {
        const operationName = query.startsWith('query Q') ? 'Q' : undefined;
        const answered = route(query, operationName)?.answered ?? 0;
        const { compiled, compiledFetches } = await compare({ query, operationName });
        expect(route(query, operationName)?.answered).toBe(answered + 1);
        expect(compiled.status).toBe(200);
        expect(compiled.cacheControl).toBe('no-store');
        expect(compiledFetches.length).toBeGreaterThan(1);
        expect(compiledFetches.every((fetched) => fetched.query !== query)).toBe(true);
      }
      const { compiled } = await compare({ query: queries[2] ?? '', operationName: 'Q' });
      expect(JSON.parse(compiled.text)).toEqual({
        data: {
          a: {
            id: 'c1',
            certificateCount: 2,
            name: 'Candidate c1',
            friend: { __typename: 'Candidate', n: 'Candidate c1x', certificateCount: 3 },
          },
          b: { certificateCount: 4 },
        },
      });
    });

    it('sends each subgraph the same bodies as Apollo Gateway, variables included', async () => {
      const query =
        'query V($id: ID!, $n: Int) { candidate(id: $id) { friends(first: $n) { certificateCount } } }';
      const body = { query, operationName: 'V', variables: { id: 'c5', n: 2 } };
      let from = seenBodies.length;
      await exactly(apolloExecutedHttp.url, body);
      const apolloFetches = seenBodies.slice(from);
      await exactly(gatewayHttp.url, body);
      from = seenBodies.length;
      await compare(body);
      expect(route(query, 'V')).toBeDefined();
      // compare() sent the Apollo-executed request first, then two to the compiled gateway.
      expect(seenBodies.slice(from, from + apolloFetches.length)).toEqual(apolloFetches);
      expect(seenBodies.slice(-apolloFetches.length)).toEqual(apolloFetches);
    });

    it('sends parallel entity fetches to one subgraph as one _entities call, each part answered as alone', async () => {
      const query = `query Both($scale: String) { candidate(id: "c9") {
        certificateCount sittings { id room grade(scale: $scale) } friend { certificateCount name }
      } }`;
      const body = { query, operationName: 'Both', variables: { scale: '1-10' } };
      const from = seenBodies.length;
      await exactly(apolloExecutedHttp.url, body);
      const apolloFetches = seenBodies.slice(from);
      const { compiled, compiledFetches } = await compare(body);
      expect(route(query, 'Both')).toBeDefined();
      expect(JSON.parse(compiled.text)).toEqual({
        data: {
          candidate: {
            certificateCount: 2,
            sittings: [1, 2, 3].map((n) => ({
              id: `c9-s${n}`,
              room: `Room ${n}`,
              grade: `1-10 grade of c9-s${n}`,
            })),
            friend: { certificateCount: 3, name: 'Candidate c9x' },
          },
        },
      });
      // Apollo asks certificate for the candidate and for its sittings at once, in two calls; here one.
      const entityCalls = (fetches: typeof seenBodies) =>
        fetches.filter((fetched) => fetched.query?.includes('_entities'));
      const together = entityCalls(compiledFetches).filter(
        (fetched) => fetched.query?.includes('on Candidate') && fetched.query.includes('on Sitting'),
      );
      expect(together).toHaveLength(1);
      expect(together[0]?.query).toContain('$scale');
      expect(compiledFetches.length).toBe(apolloFetches.length - 1);
    });

    it('asks a subgraph once for an entity wanted in several places, each answered as alone', async () => {
      // team lists c1x twice: Apollo sends its representation twice, the compiled plan once; the
      // answer is the same, each place with its own copy (the friend fetched after it is merged into
      // each), and a second candidate's team in the same call shares nothing with the first.
      const query = `query Team { a: candidate(id: "c1") { team { certificateCount friend { certificateCount } } }
        b: candidate(id: "c2") { team { certificateCount name } } }`;
      const body = { query, operationName: 'Team' };
      const from = seenBodies.length;
      await exactly(apolloExecutedHttp.url, body);
      const apolloFetches = seenBodies.slice(from);
      const { compiled, compiledFetches } = await compare(body);
      expect(route(query, 'Team')).toBeDefined();
      const member = (id: string) => ({
        certificateCount: id.length,
        friend: { certificateCount: id.length + 1 },
      });
      expect(JSON.parse(compiled.text)).toEqual({
        data: {
          a: { team: [member('c1x'), member('c1x'), member('c1yz')] },
          b: {
            team: ['c2x', 'c2x', 'c2yz'].map((id) => ({
              certificateCount: id.length,
              name: `Candidate ${id}`,
            })),
          },
        },
      });
      const ids = (fetches: typeof seenBodies) =>
        fetches.flatMap((fetched) =>
          (
            (fetched as { variables?: { representations?: { id: string }[] } }).variables?.representations ??
            []
          ).map((representation) => representation.id),
        );
      expect(ids(apolloFetches).filter((id) => id === 'c1x')).toHaveLength(2);
      expect(ids(compiledFetches).filter((id) => id === 'c1x')).toHaveLength(1);
      expect(ids(compiledFetches).filter((id) => id === 'c2x')).toHaveLength(1);
      expect(ids(compiledFetches).filter((id) => id === 'c1xx')).toHaveLength(1);
    });

    it('leaves variable errors, refusals and subgraph errors to the planned path, with its answer', async () => {
      const query =
        'query V($id: ID!, $n: Int) { candidate(id: $id) { friends(first: $n) { certificateCount } } }';
      await compare({ query, operationName: 'V', variables: { id: 'c5', n: 1 } });
      const plan = route(query, 'V');
      const takenBack = plan?.takenBack ?? 0;
      const badVariable = await compare({ query, operationName: 'V', variables: { id: 'c5', n: 'two' } });
      expect(badVariable.compiled.status).toBe(400);
      expect(badVariable.compiled.text).toContain('BAD_USER_INPUT');
      expect(plan?.takenBack).toBe(takenBack); // a client's own bad variables do not count against the plan

      const anonymousOnly = '{ candidate(id: "c6") { name privateNote } }';
      const refused = await compare({ query: anonymousOnly });
      expect(refused.compiled.status).toBe(401);
      expect(route(anonymousOnly)?.takenBack).toBeGreaterThan(0);

      // With a credential (these probe subgraphs still refuse the field): partial data and its error.
      const token = await tokenFor({ role: 'analyst', subject: 'a6' });
      const partial = await compare({ query: anonymousOnly }, { authorization: `Bearer ${token}` });
      expect(JSON.parse(partial.compiled.text)).toMatchObject({
        data: { candidate: { name: 'Candidate c6', privateNote: null } },
        errors: [{ extensions: { code: 'UNAUTHENTICATED' } }],
      });
      const bad = await exactly(
        gatewayHttp.url,
        { query: anonymousOnly },
        { authorization: 'Bearer not.a.jwt' },
      );
      expect(bad.status).toBe(401);
    });

    it('forgets an operation as compiled when it keeps ending on the planned path', async () => {
      const anonymousOnly = '{ candidate(id: "c7") { certificateCount privateNote } }';
      for (let i = 0; i < 10; i += 1) await exactly(gatewayHttp.url, { query: anonymousOnly });
      expect(gateway.routes?.lookup(anonymousOnly, undefined)).toBeNull();
      const answer = await compare({ query: anonymousOnly });
      expect(answer.compiled.status).toBe(401);
    });

    it('asks the planned path for any media type but JSON', async () => {
      const query = '{ candidate(id: "c8") { name certificateCount } }';
      await compare({ query });
      const answered = route(query)?.answered ?? 0;
      const graphqlResponse = await compare({ query }, { accept: 'application/graphql-response+json' });
      expect(graphqlResponse.compiled.contentType).toContain('application/graphql-response+json');
      expect(route(query)?.answered).toBe(answered);
    });
  });

  describe('the same answer on every path', () => {
    const internals = /127\.0\.0\.1|localhost|ECONNREFUSED|Bad Request|Unauthorized|serviceName|response/;

    it("answers a malformed Date variable with the subgraph's BAD_USER_INPUT, single- and multi-subgraph", async () => {
      const single = await firstAndRepeat('query On($day: Date!) { sittingsOn(day: $day) }', {
        day: '2026-13-45',
      });
      const spanning = await firstAndRepeat(
        'query Spans($day: Date!) { candidate(id: "c1") { name certifiedOn(day: $day) } }',
        { day: 'not a date' },
      );
      for (const { first, repeat, again } of [single, spanning]) {
        expect(first.status).toBe(400);
        expect(first.body.data).toBeUndefined();
        expect(first.body.errors).toHaveLength(1);
        expect(first.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
        expect(first.body.errors?.[0].message).toMatch(/\$day/);
        expect(JSON.stringify(first.body)).not.toMatch(internals);
        expect(repeat).toEqual(first);
        expect(again).toEqual(first);
      }
      // Nothing of it was a subgraph's internal error: the message is the subgraph's own.
      expect(single.first.body.errors?.[0].message).toContain('2026-13-45');
    });

    it('answers a field that needs sign-in with HTTP 401 "Sign in to do this", single- and multi-subgraph', async () => {
      const single = await firstAndRepeat('{ mine }');
      const spanning = await firstAndRepeat('{ candidate(id: "c2") { name privateNote } }');
      for (const { first, repeat, again } of [single, spanning]) {
        expect(first.status).toBe(401);
        expect(first.body.errors?.[0]).toMatchObject({
          message: 'Sign in to do this',
          extensions: { code: 'UNAUTHENTICATED' },
        });
        expect(JSON.stringify(first.body)).not.toMatch(internals);
        expect(repeat).toEqual(first);
        expect(again).toEqual(first);
      }
      expect(single.first.body.data).toEqual({ mine: null });
      expect(spanning.first.body.data).toEqual({ candidate: { name: 'Candidate c2', privateNote: null } });
    });

    it('answers a mutation whose variables a subgraph refuses like the planned path, once it is routed', async () => {
      const book = 'mutation Book($day: Date!) { book(day: $day) }';
      const planned = await post(book, {}, { variables: { day: 'soon' } });
      expect(await post(book, {}, { variables: { day: '2026-03-01' } })).toEqual({
        status: 200,
        body: { data: { book: 'booked 2026-03-01' } },
      });
      expect(seenBodies.at(-1)?.query).toBe(book); // sent as written: routed
      const routed = await post(book, {}, { variables: { day: 'soon' } });
      expect(planned.status).toBe(400);
      expect(planned.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(routed).toEqual(planned);
    });

    it('passes a domain refusal through with its code, message and details on both paths', async () => {
      const first = await post('mutation { reserve(seat: "12A") }');
      const repeat = await post('mutation { reserve(seat: "12A") }');
      expect(seenBodies.at(-1)?.query).toBe('mutation { reserve(seat: "12A") }');
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        errors: [
          { message: 'Seat 12A is taken', path: ['reserve'], extensions: { code: 'CONFLICT', seat: '12A' } },
        ],
        data: { reserve: null },
      });
      expect(repeat).toEqual(first);
    });

    it('masks internal errors alike on both paths', async () => {
      const { first, repeat } = await firstAndRepeat('{ boom whoami }');
      expect(first.body.errors?.[0]).toEqual({
        message: 'Internal server error',
        path: ['boom'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      expect(repeat).toEqual(first);
    });
  });

  describe('the cost limit', () => {
    // friends(first: n) { friends(first: n) { friend { id } } } costs 1 + 1 + n * (1 + n): 32 at
    // n = 5, 932 at n = 30 (the limit here is 500).
    const nested =
      'query Nested($n: Int) { candidate(id: "c1") { friends(first: $n) { friends(first: $n) { friend { id } } } } }';

    it('counts a page size passed as a variable, on the planned and the routed path', async () => {
      const small = await post(nested, {}, { variables: { n: 5 } });
      expect(small.body.errors).toBeUndefined();
      const routed = await post(nested, {}, { variables: { n: 5 } });
      expect(seenBodies.at(-1)?.query).toBe(nested);
      expect(routed).toEqual(small);
      const reached = seenBodies.length;
      const large = await post(nested, {}, { variables: { n: 30 } });
      expect(large.status).toBe(400);
      expect(large.body).toEqual({
        errors: [
          {
            message: expect.stringMatching(/cost is 932, above the limit of 500/),
            extensions: { code: 'COST_LIMIT_EXCEEDED', cost: 932, limit: 500 },
          },
        ],
      });
      expect(await post(nested, {}, { variables: { n: 30 } })).toEqual(large);
      expect(seenBodies.length).toBe(reached); // refused before any subgraph saw it, on both paths
    });

    it('refuses a page size written in the document the same way', async () => {
      const written = await post(nested.replace('($n: Int)', '').replace(/\$n/g, '30'));
      expect(written.status).toBe(400);
      expect(written.body.errors?.[0].extensions).toEqual({
        code: 'COST_LIMIT_EXCEEDED',
        cost: 932,
        limit: 500,
      });
    });
  });

  it('gives up on a subgraph that does not answer in time, and keeps the others', async () => {
    const started = Date.now();
    const { body } = await post('{ organizations slow }');
    expect(Date.now() - started).toBeLessThan(2_900);
    expect(body).toEqual({
      errors: [
        {
          message: 'Exams, sessions and results are unavailable right now; try again shortly',
          extensions: { code: 'SERVICE_UNAVAILABLE', service: 'exam' },
        },
      ],
      data: { organizations: ['Acme'], slow: null },
    });
  });

  describe('with one subgraph down', () => {
    beforeAll(async () => {
      await post('{ organizations }'); // learned: the repeat would take the single-subgraph route
      await registry.close();
    });

    it.each([
      ['production', () => gatewayHttp.url],
      ['development', () => developmentHttp.url],
    ])('answers the healthy subgraphs and names what is unavailable (%s)', async (_mode, url) => {
      const partial = await post('{ whoami organizations }', {}, {}, url());
      expect(partial.status).toBe(200);
      expect(partial.body).toEqual({
        errors: [
          {
            message: 'The registry of certified organizations is unavailable right now; try again shortly',
            extensions: { code: 'SERVICE_UNAVAILABLE', service: 'registry' },
          },
        ],
        data: { whoami: 'subgraph', organizations: null },
      });
      const alone = await post('{ organizations }', {}, {}, url());
      const repeat = await post('{ organizations }', {}, {}, url());
      expect(alone.body.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(repeat).toEqual(alone);
      for (const answer of [partial, alone])
        expect(JSON.stringify(answer.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|http:/);
    });
  });
});
