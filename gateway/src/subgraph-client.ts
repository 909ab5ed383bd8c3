import type { IncomingHttpHeaders } from 'node:http';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { REQUEST_ID_HEADER, type Logger } from '@iso20000/service-kit';
import {
  activeTraceIds,
  inSpan,
  injectTraceHeaders,
  SpanKind,
  subgraphRequestDuration,
  tracingConfigured,
} from '@iso20000/telemetry';
import type { GraphQLFormattedError } from 'graphql';
import { Pool, util as undiciUtil, type Dispatcher } from 'undici';
import type { GatewayContext } from './context';
import { unavailableError } from './subgraph-answers';

export interface SubgraphResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * HTTP to the subgraphs over undici connection pools: one pool per subgraph origin, sockets kept
 * alive for 30 s (the subgraphs keep theirs for 65 s, so the gateway never reuses a socket the
 * subgraph is closing). undici rather than node-fetch on http.Agent: a subgraph call is on every
 * request's path and undici spends a fraction of the CPU per call.
 */
export class SubgraphClient {
  private readonly pools = new Map<string, Pool>();
  /** Each subgraph URL parsed once: this is on every request's path. */
  private readonly targets = new Map<string, { pool: Pool; path: string }>();
  private readonly tracing = tracingConfigured();

  constructor(
    private readonly keepAlive = true,
    /** For the answer's headers and between its body's chunks. */
    private readonly timeoutMs = 30_000,
  ) {}

  private target(url: string): { pool: Pool; path: string } {
    let target = this.targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      let pool = this.pools.get(parsed.origin);
      if (!pool) {
        pool = new Pool(parsed.origin, {
          connections: 256,
          pipelining: 1,
          keepAliveTimeout: 30_000,
          keepAliveMaxTimeout: 30_000,
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        });
        this.pools.set(parsed.origin, pool);
      }
      target = { pool, path: parsed.pathname + parsed.search };
      this.targets.set(url, target);
    }
    return target;
  }

  /** A client span and the latency histogram around each call; the subgraph continues the trace. */
  async post(
    url: string,
    headers: Record<string, string>,
    body: string | Buffer,
    subgraph = 'unknown',
  ): Promise<SubgraphResponse> {
    const started = process.hrtime.bigint();
    let outcome = 'error';
    try {
      // Without tracing (no exporter configured, no trace in progress) a span and its headers would be
      // no-ops: the call is sent as it is, without building them.
      const response =
        !this.tracing && activeTraceIds() === undefined
          ? await this.send(url, headers, body)
          : await inSpan(
              `subgraph ${subgraph}`,
              { kind: SpanKind.CLIENT, attributes: { 'iso20000.subgraph': subgraph, 'url.full': url } },
              async (span) => {
                injectTraceHeaders(headers);
                const answer = await this.send(url, headers, body);
                span.setAttribute('http.response.status_code', answer.status);
                return answer;
              },
            );
      outcome = response.status < 500 ? 'ok' : 'error';
      return response;
    } finally {
      subgraphRequestDuration.observe({ subgraph, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /**
   * One call through undici's dispatcher with a handler that collects the body: `pool.request` would
   * build an async resource and a Readable stream per call only for the body to be read in one go,
   * which was most of undici's share of the gateway's CPU profile.
   */
  private send(
    url: string,
    headers: Record<string, string>,
    body: string | Buffer,
  ): Promise<SubgraphResponse> {
    const { pool, path } = this.target(url);
    return new Promise<SubgraphResponse>((resolve, reject) => {
      pool.dispatch(
        { method: 'POST', path, headers, body, reset: !this.keepAlive },
        new CollectingHandler(resolve, reject),
      );
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
    this.targets.clear();
  }
}

/** Collects one answer: status, headers and the whole body (subgraph answers are read in one go). */
class CollectingHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private statusText = '';
  private headers: IncomingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly resolve: (response: SubgraphResponse) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  onConnect(): void {}

  onHeaders(status: number, rawHeaders: Buffer[], _resume: () => void, statusText: string): boolean {
    if (status < 200) return true; // an informational answer: the real one follows
    this.status = status;
    this.statusText = statusText;
    this.headers = undiciUtil.parseHeaders(rawHeaders) as IncomingHttpHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.resolve({ status: this.status, statusText: this.statusText, headers: this.headers, body });
  }

  onError(error: Error): void {
    this.reject(error);
  }
}

/** The headers every subgraph call carries: the credential (each subgraph verifies it), request id, client. */
export function forwardedHeaders(context: Partial<GatewayContext>): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (context.authorization) headers.authorization = context.authorization;
  if (context.requestId) headers[REQUEST_ID_HEADER] = context.requestId;
  if (context.clientAddress) headers['x-forwarded-for'] = context.clientAddress;
  return headers;
}

/**
 * Executes the fetches of a query plan through SubgraphClient, applying the subgraph's cache-control
 * hint to the response's cache policy as RemoteGraphQLDataSource does. A subgraph's GraphQL answer is
 * passed on whatever its status (its errors keep their code and message; the status is applied to the
 * gateway's answer by subgraph-answers.ts). A subgraph that cannot be reached, or answers without a
 * GraphQL body, loses only its own fields: they come back null with a SERVICE_UNAVAILABLE error, and
 * the cause (with the subgraph's address) is logged, never sent to the client.
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(
    private readonly service: string,
    private readonly url: string,
    private readonly client: SubgraphClient,
    private readonly logger: Logger,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GraphQLResponse> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    const context = options.context as Partial<GatewayContext>;
    const headers = forwardedHeaders(context);
    if (request.http?.headers) for (const [name, value] of request.http.headers) headers[name] = value;
    let response: SubgraphResponse;
    try {
      response = await this.client.post(
        this.url,
        headers,
        JSON.stringify({
          query: request.query,
          variables: request.variables,
          operationName: request.operationName,
          extensions: request.extensions,
        }),
        this.service,
      );
    } catch (error) {
      this.logger.warn(
        { err: error, subgraph: this.service, url: this.url, requestId: context.requestId },
        'subgraph unreachable',
      );
      return { errors: [unavailableError(this.service)] };
    }
    const body = graphQLBodyOf(response);
    if (!body) {
      this.logger.warn(
        {
          subgraph: this.service,
          url: this.url,
          requestId: context.requestId,
          status: response.status,
          body: response.body.toString('utf8').slice(0, 200),
        },
        'subgraph answered without a GraphQL body',
      );
      return { errors: [unavailableError(this.service)] };
    }
    context.subgraphAnswers?.record(response.status, body, headerValue(response.headers['retry-after']));
    if ('incomingRequestContext' in options) {
      const policy = options.incomingRequestContext.overallCachePolicy;
      if (policy && 'restrict' in policy)
        policy.restrict(cacheHint(headerValue(response.headers['cache-control'])));
    }
    return body as GraphQLResponse;
  }
}

type GraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** A GraphQL-over-HTTP answer: an object with data, or errors, or both. */
export function isGraphQLBody(
  value: unknown,
): value is { data?: unknown; errors?: GraphQLFormattedError[]; extensions?: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const body = value as { data?: unknown; errors?: unknown };
  if (body.errors !== undefined && !Array.isArray(body.errors)) return false;
  return body.data !== undefined || Array.isArray(body.errors);
}

/** A subgraph's answer as GraphQL: a JSON (or graphql-response+json) body that is a GraphQL result, else undefined. */
export function graphQLBodyOf(response: SubgraphResponse): ReturnType<typeof parseGraphQLBody> {
  const contentType = headerValue(response.headers['content-type']) ?? '';
  if (!/^application\/(graphql-response\+)?json/.test(contentType)) return undefined;
  return parseGraphQLBody(response.body.toString('utf8'));
}

function parseGraphQLBody(text: string) {
  const body = parseJson(text);
  return isGraphQLBody(body) ? body : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The cache hint a subgraph's Cache-Control header gives (as Apollo's data source reads it). */
export function cacheHint(header: string | undefined): { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } {
  const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = { maxAge: 0 };
  if (!header) return hint;
  for (const directive of header.split(',')) {
    const [name, value] = directive.trim().toLowerCase().split('=');
    if (name === 'max-age' && value && /^[0-9]+$/.test(value)) hint.maxAge = Number(value);
    if (name === 'private') hint.scope = 'PRIVATE';
    if (name === 'public') hint.scope = 'PUBLIC';
  }
  return hint;
}
