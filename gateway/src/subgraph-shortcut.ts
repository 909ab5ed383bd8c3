import type { HttpShortcut, IncomingGraphQLRequest, Logger } from '@iso20000/service-kit';
import { maskInternalError } from '@iso20000/service-kit';
import type { GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from './gateway';
import { forwardedHeaders, headerValue, type SubgraphClient } from './subgraph-client';
import type { SubgraphRouteTable } from './subgraph-routes';

export interface SubgraphShortcutOptions {
  routes: SubgraphRouteTable;
  client: SubgraphClient;
  urls: Readonly<Record<string, string>>;
  /** The gateway's own context factory: the same authentication, request id and client address. */
  context: (request: IncomingGraphQLRequest) => Promise<GatewayContext>;
  logger: Logger;
  production: boolean;
}

interface OperationRequest {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

const DATA_FIRST = Buffer.from('{"data":');

/**
 * Sends an operation that one subgraph answers exactly as written (see routeFor) straight to that
 * subgraph, and its answer straight back: no plan execution, no re-parsing and re-serialising of the
 * result. Only operations already validated and planned by Apollo Server and the gateway are
 * routed (the route table learns from their plans), so limits and validation are unchanged; the
 * credential is still verified here first. Answers carrying errors are parsed so internal errors
 * are masked by the gateway as on the planned path. Everything else returns false and goes through
 * Apollo Server.
 */
export function subgraphShortcut(options: SubgraphShortcutOptions): HttpShortcut {
  const { routes, client, urls, context, logger, production } = options;
  return async ({ req, res, body, raw }) => {
    if (req.method !== 'POST' || !isOperationRequest(body)) return false;
    if (!req.headers['content-type']?.startsWith('application/json')) return false;
    const route = routes.lookup(body.query, body.operationName ?? undefined);
    const url = route ? urls[route.subgraph] : undefined;
    if (!route || !url) return false;
    let requestContext: GatewayContext;
    try {
      requestContext = await context({ headers: req.headers, remoteAddress: req.socket.remoteAddress });
    } catch {
      return false; // a bad credential: Apollo Server's context refuses it with the usual 401.
    }
    const headers = forwardedHeaders(requestContext);
    if (req.headers.accept) headers.accept = req.headers.accept;

    let answer;
    try {
      answer = await client.post(url, headers, raw);
    } catch (error) {
      // A query is simply executed from its plan, which reports the failure as the gateway always has;
      // a mutation may have reached the subgraph, so it is never sent twice.
      if (route.operationKind === 'query' || isNotConnected(error)) return false;
      const formatted = maskInternalError(
        { message: error instanceof Error ? error.message : String(error) },
        error,
        logger,
        production,
      );
      send(res, 200, 'application/json; charset=utf-8', JSON.stringify({ errors: [formatted], data: null }));
      return true;
    }
    const contentType = headerValue(answer.headers['content-type']) ?? 'application/json; charset=utf-8';
    const cacheControl = headerValue(answer.headers['cache-control']);
    if (answer.status === 200 && answer.body.subarray(0, DATA_FIRST.length).equals(DATA_FIRST)) {
      // Apollo Server writes "errors" before "data": an answer that starts with data has no errors.
      send(res, 200, contentType, answer.body, cacheControl);
      return true;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body.toString('utf8'));
    } catch {
      if (route.operationKind === 'query') return false;
      parsed = { errors: [{ message: 'Invalid response from a subgraph' }], data: null };
    }
    if (isObject(parsed) && Array.isArray(parsed.errors))
      parsed.errors = (parsed.errors as GraphQLFormattedError[]).map((error) =>
        maskInternalError(error, error, logger, production),
      );
    send(res, answer.status, contentType, JSON.stringify(parsed) + '\n', cacheControl);
    return true;
  };
}

function send(
  res: Parameters<HttpShortcut>[0]['res'],
  status: number,
  contentType: string,
  body: string | Buffer,
  cacheControl?: string,
): void {
  const headers: Record<string, string | number> = {
    'content-type': contentType,
    'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
  };
  if (cacheControl) headers['cache-control'] = cacheControl;
  res.writeHead(status, headers);
  res.end(body);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A plain GraphQL-over-HTTP request: query text, optional operation name and variables, nothing else. */
function isOperationRequest(body: unknown): body is OperationRequest {
  if (!isObject(body) || typeof body.query !== 'string') return false;
  for (const key in body) {
    const value = body[key];
    if (key === 'query') continue;
    if (key === 'operationName' && (value === null || typeof value === 'string')) continue;
    if (key === 'variables' && (value === null || isObject(value))) continue;
    return false; // extensions (persisted queries) and anything unknown: Apollo Server decides.
  }
  return true;
}

function isNotConnected(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ECONNREFUSED';
}
