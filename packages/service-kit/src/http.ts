import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext as ApolloBaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { observeHttpRequest } from '@iso20000/telemetry';
import type { Logger } from './logger';
import { READINESS_BOUND_MS, within, type ReadinessReport } from './readiness';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id';

export interface IncomingGraphQLRequest {
  headers: IncomingHttpHeaders;
  remoteAddress: string | undefined;
}

export interface ServeHttpOptions<TContext extends ApolloBaseContext> {
  port: number;
  host?: string;
  apollo: ApolloServer<TContext>;
  context: (request: IncomingGraphQLRequest) => Promise<TContext>;
  /** Readiness: true or a report when dependencies (PostgreSQL, NATS) answer; bounded to a second. */
  ready?: () => Promise<boolean | ReadinessReport>;
  logger: Logger;
  /** Largest accepted request body; bulk imports of 1,000 records fit comfortably. */
  maxBodyBytes?: number;
  /**
   * Largest GraphQL document (the query text), apart from the body limit: variables may be large (a
   * bulk import), an operation need not be, and lexing megabytes of it is work for nothing. Unset: none.
   */
  maxDocumentBytes?: number;
  /** Deepest nesting of objects and arrays in a JSON body, checked before it is parsed (default 64). */
  maxJsonDepth?: number;
  /** Extra GET routes (e.g. a JWKS document): path -> handler returning a JSON-serialisable body. */
  routes?: Record<string, () => Promise<unknown>>;
  /** May answer a GraphQL request before Apollo Server does (the gateway's single-subgraph routes). */
  shortcut?: HttpShortcut;
  /**
   * May answer any other request itself, streaming (e.g. an upload's result file): called before the
   * GET routes and /graphql; resolves true when it answered.
   */
  handler?: HttpHandler;
  /** The metric label of a path `handler` answers (a fixed set, never the path a client sent). */
  handlerRoute?: (path: string) => string | undefined;
}

/** Answers the request itself and resolves true, or resolves false and leaves it to serveHttp. */
export type HttpHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: { pathname: string; search: string },
) => Promise<boolean>;

/** Answers the request and resolves true, or resolves false and leaves it to Apollo Server untouched. */
export type HttpShortcut = (request: {
  req: IncomingMessage;
  res: ServerResponse;
  /** The parsed JSON body. */
  body: unknown;
  /** The body as received. */
  raw: string;
}) => Promise<boolean>;

export interface RunningHttpServer {
  server: Server;
  url: string;
  port: number;
  /** Stops taking new requests, waits for in-flight ones, then closes idle keep-alive sockets. */
  close(): Promise<void>;
}

/**
 * A plain node:http server for Apollo Server: POST/GET /graphql, GET /health (liveness) and GET /ready
 * (readiness). No framework in the hot path: this runs on every request through the gateway.
 */
export async function serveHttp<TContext extends ApolloBaseContext>(
  options: ServeHttpOptions<TContext>,
): Promise<RunningHttpServer> {
  const { apollo, logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 5 * 1024 * 1024;
  const maxJsonDepth = options.maxJsonDepth ?? 64;
  const { maxDocumentBytes } = options;
  let draining = false;

  // Route labels come from this fixed set: a metric label must not take whatever path a client sends.
  const routeOf = (target: string | undefined) => {
    const path = (target ?? '/').split('?', 1)[0];
    if (path === '/graphql' || path === '/health' || path === '/ready') return path;
    if (path === '/') return '/graphql';
    if (options.routes?.[path]) return path;
    return options.handlerRoute?.(path) ?? 'other';
  };
  const server = createServer((req, res) => {
    // One request id from here on: log lines, the subgraph context and the events it records agree.
    const requestId = requestIdFrom(req.headers);
    req.headers[REQUEST_ID_HEADER] = requestId;
    const observed = observeHttpRequest({ req, res, requestId, route: routeOf(req.url) }, () =>
      handle(req, res),
    );
    void observed.catch((error: unknown) => {
      logger.error({ err: error }, 'unhandled HTTP error');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
  // The gateway keeps connections alive for less than this, so it never reuses a socket we are closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Split by hand: a WHATWG URL per request is measurable on the gateway's hot path.
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const url =
      queryAt < 0
        ? { pathname: target, search: '' }
        : { pathname: target.slice(0, queryAt), search: target.slice(queryAt) };
    if (url.pathname === '/health')
      return send(res, draining ? 503 : 200, { status: draining ? 'draining' : 'ok' });
    if (url.pathname === '/ready') {
      if (draining) return send(res, 503, { status: 'draining' });
      const answer = options.ready
        ? await within(
            options.ready().catch(() => false),
            READINESS_BOUND_MS,
          )
        : true;
      const report = typeof answer === 'object' ? answer : undefined;
      const ok = report ? report.ready : answer === true;
      return send(res, ok ? 200 : 503, {
        status: ok ? 'ready' : 'not ready',
        ...(report
          ? { checks: report.checks }
          : answer === undefined
            ? { checks: { ready: 'timeout' } }
            : {}),
      });
    }
    if (options.handler && (await options.handler(req, res, url))) return;
    const route = req.method === 'GET' ? options.routes?.[url.pathname] : undefined;
    if (route) {
      const body = await route();
      if (body instanceof RawBody) {
        res.writeHead(200, {
          'content-type': body.contentType,
          'content-length': Buffer.byteLength(body.text),
        });
        return void res.end(body.text);
      }
      return send(res, 200, body);
    }
    if (url.pathname !== '/graphql' && url.pathname !== '/') return send(res, 404, { error: 'not found' });
    if (req.method !== 'POST' && req.method !== 'GET') {
      res.setHeader('allow', 'GET, POST');
      return send(res, 405, { error: 'method not allowed' });
    }

    const raw = req.method === 'POST' ? await readBody(req, maxBodyBytes) : '';
    if (raw === null)
      return send(res, 413, {
        errors: [
          {
            message: `Request body larger than ${maxBodyBytes} bytes`,
            extensions: { code: 'PAYLOAD_TOO_LARGE' },
          },
        ],
      });
    let body: unknown = undefined;
    if (raw) {
      if (jsonNestingExceeds(raw, maxJsonDepth))
        return send(res, 400, {
          errors: [
            {
              message: `Request body nested deeper than ${maxJsonDepth} levels`,
              extensions: { code: 'JSON_DEPTH_LIMIT_EXCEEDED' },
            },
          ],
        });
      try {
        body = JSON.parse(raw);
      } catch {
        return send(res, 400, {
          errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
        });
      }
    }
    if (maxDocumentBytes !== undefined) {
      const document =
        req.method === 'GET'
          ? new URLSearchParams(url.search).get('query')
          : (body as { query?: unknown })?.query;
      if (typeof document === 'string' && Buffer.byteLength(document) > maxDocumentBytes)
        return send(res, 413, {
          errors: [
            {
              message: `GraphQL document larger than ${maxDocumentBytes} bytes`,
              extensions: { code: 'DOCUMENT_TOO_LARGE' },
            },
          ],
        });
    }
    if (options.shortcut && (await options.shortcut({ req, res, body, raw }))) return;
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }

    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method, headers, search: url.search, body },
      context: () => options.context({ headers: req.headers, remoteAddress: req.socket.remoteAddress }),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, 'listening');

  return {
    server,
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    async close() {
      draining = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

/**
 * True when JSON text nests objects and arrays deeper than `max`: one pass over the characters,
 * skipping strings, so a hostile body is refused before JSON.parse and GraphQL build anything from it.
 */
export function jsonNestingExceeds(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return false;
}

/** A route answer that is not JSON (e.g. a signed status list as `application/vc+jwt`). */
export class RawBody {
  constructor(
    readonly contentType: string,
    readonly text: string,
  ) {}
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** A plain HTTP answer `{ "error": message }` from an HttpHandler, never cached. */
export function sendHttpError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  send(res, status, { error: message }, { 'cache-control': 'no-store', ...headers });
}

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** An authentication failure during context creation: 401 with a GraphQL error body. */
export function unauthenticatedContextError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}
