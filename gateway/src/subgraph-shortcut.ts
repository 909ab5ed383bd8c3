import type { HttpShortcut, IncomingGraphQLRequest, Logger } from '@iso20000/service-kit';
import { graphqlOperationDuration, operationLabel } from '@iso20000/telemetry';
import { getVariableValues, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { isPlainObject, NotHere, type SendFetch } from './compiled-plans';
import type { GatewayContext } from './context';
import { asClientSubgraphError, unavailableError } from './subgraph-answers';
import {
  cacheHint,
  forwardedHeaders,
  graphQLBodyOf,
  headerValue,
  isGraphQLBody,
  type SubgraphClient,
} from './subgraph-client';
import type { PlanRoute, SubgraphRouteTable } from './subgraph-routes';

export interface SubgraphShortcutOptions {
  routes: SubgraphRouteTable;
  client: SubgraphClient;
  urls: Readonly<Record<string, string>>;
  /** The gateway's own context factory: the same authentication, request id and client address. */
  context: (request: IncomingGraphQLRequest) => Promise<GatewayContext>;
  logger: Logger;
  /** The gateway's error formatting (masking), as Apollo Server applies it on the planned path; an internal error is logged with `requestId`. */
  formatError: (error: GraphQLFormattedError, original: unknown, requestId: string) => GraphQLFormattedError;
  /** The cost limit (src/cost.ts): an operation over it with this request's variables is planned, and refused there. */
  maxCost: number;
  /** The API schema, to coerce a compiled plan's variables as the planned path does before sending anything. */
  apiSchema: GraphQLSchema;
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
 * credential is still verified here first, and the cost is computed again with this request's
 * variables. Answers carrying errors get the planned path's treatment (masking, no locations); a
 * subgraph's refusal before execution, and a query whose subgraph does not answer, are answered by the
 * planned path itself, so both paths give one status and body. Everything else returns false and goes
 * through Apollo Server.
 */
export function subgraphShortcut(options: SubgraphShortcutOptions): HttpShortcut {
  const { routes, client, urls, context, logger, formatError, maxCost } = options;
  return async ({ req, res, body, raw }) => {
    if (req.method !== 'POST' || !isOperationRequest(body)) return false;
    const started = process.hrtime.bigint();
    if (!req.headers['content-type']?.startsWith('application/json')) return false;
    const route = routes.lookup(body.query, body.operationName ?? undefined);
    if (!route) return false;
    // Counted as Apollo's pipeline counts the planned ones (graphqlTelemetryPlugin).
    const counted = (outcome: 'ok' | 'partial' | 'error') =>
      graphqlOperationDuration.observe(
        { operation: operationLabel(body.operationName), type: route.operationKind, outcome },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    if (routes.costOf(route, body.query, body.operationName ?? undefined, body.variables) > maxCost)
      return false;
    if (route.kind === 'plan') {
      const outcome = await answerFromPlan(route, { req, res, body }, options);
      if (outcome === 'answered') counted('ok');
      // Only what the subgraphs answered counts against the plan: a client's own bad credential or
      // variables must not make the gateway stop compiling an operation others send well.
      if (outcome === 'given back') routes.takeBack(body.query, body.operationName ?? undefined, route);
      return outcome === 'answered';
    }
    const url = urls[route.subgraph];
    if (!url) return false;
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
      answer = await client.post(url, headers, raw, route.subgraph);
    } catch (error) {
      // A query is simply executed from its plan, which reports the failure as the gateway always has;
      // a mutation may have reached the subgraph, so it is never sent twice.
      if (route.operationKind === 'query' || isNotConnected(error)) return false;
      logger.warn(
        { err: error, subgraph: route.subgraph, requestId: requestContext.requestId },
        'subgraph failed during a routed mutation',
      );
      sendUnavailable(res, route.subgraph, formatError, requestContext.requestId);
      counted('error');
      return true;
    }
    const contentType = headerValue(answer.headers['content-type']) ?? 'application/json; charset=utf-8';
    const cacheControl = headerValue(answer.headers['cache-control']);
    if (answer.status === 200 && answer.body.subarray(0, DATA_FIRST.length).equals(DATA_FIRST)) {
      // Apollo Server writes "errors" before "data": an answer that starts with data has no errors.
      send(res, 200, contentType, answer.body, cacheControl);
      counted('ok');
      return true;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (!isGraphQLBody(parsed)) {
      if (route.operationKind === 'query') return false;
      logger.warn(
        { subgraph: route.subgraph, status: answer.status, requestId: requestContext.requestId },
        'subgraph answered without a GraphQL body',
      );
      sendUnavailable(res, route.subgraph, formatError, requestContext.requestId);
      counted('error');
      return true;
    }
    // Refused before execution (variables, credential): nothing ran, so even a mutation can take the
    // planned path, which answers refusals for every operation alike.
    if (parsed.data === undefined) return false;
    if (parsed.errors)
      parsed.errors = parsed.errors.map((error) => {
        const said = asClientSubgraphError(error);
        return formatError(said, said, requestContext.requestId);
      });
    send(res, answer.status, contentType, JSON.stringify(parsed) + '\n', cacheControl, {
      retryAfter: headerValue(answer.headers['retry-after']),
    });
    counted(!parsed.errors?.length ? 'ok' : parsed.data === null ? 'error' : 'partial');
    return true;
  };
}

/** What Apollo Server answers a single result with when the client's Accept allows JSON (and no other choice). */
const JSON_ANSWER = 'application/json; charset=utf-8';

/**
 * Executes a compiled plan (src/compiled-plans.ts) and answers with its data, exactly as the planned path
 * would: the same fetches, the same body, `Cache-Control` from the subgraphs' hints as Apollo Server's
 * cache-control plugin computes it. Having written nothing, it leaves the request to the planned path
 * when the client asked for another media type, sent variables the API schema does not accept, or a
 * bad credential ('declined'), or when a subgraph's answer was not plainly good ('given back').
 */
async function answerFromPlan(
  route: PlanRoute,
  {
    req,
    res,
    body,
  }: {
    req: Parameters<HttpShortcut>[0]['req'];
    res: Parameters<HttpShortcut>[0]['res'];
    body: OperationRequest;
  },
  { client, urls, context, logger, apiSchema }: SubgraphShortcutOptions,
): Promise<'answered' | 'declined' | 'given back'> {
  const accept = req.headers.accept;
  if (accept !== undefined && accept !== '*/*' && accept !== 'application/json') return 'declined';
  const variables = body.variables ?? {};
  if (route.plan.variableDefinitions.length > 0) {
    const coerced = getVariableValues(apiSchema, route.plan.variableDefinitions, variables);
    if (coerced.errors) return 'declined';
  }
  let requestContext: GatewayContext;
  try {
    requestContext = await context({ headers: req.headers, remoteAddress: req.socket.remoteAddress });
  } catch {
    return 'declined';
  }
  const headers = forwardedHeaders(requestContext);
  const policy = new CachePolicy();
  const fetchFrom: SendFetch = async (subgraph, fetchBody) => {
    const url = urls[subgraph];
    if (!url) throw new NotHere(`no address for ${subgraph}`);
    let answer;
    try {
      answer = await client.post(url, headers, fetchBody, subgraph);
    } catch {
      throw new NotHere(`${subgraph} unreachable`);
    }
    if (answer.status !== 200 || answer.headers['retry-after'] !== undefined)
      throw new NotHere(`${subgraph} answered ${answer.status}`);
    const parsed = graphQLBodyOf(answer);
    if (!parsed) throw new NotHere(`${subgraph} answered without a GraphQL body`);
    if (parsed.errors?.length || !isPlainObject(parsed.data))
      throw new NotHere(`${subgraph} answered with errors`);
    policy.restrict(cacheHint(headerValue(answer.headers['cache-control'])));
    return parsed.data;
  };
  let data: unknown;
  try {
    data = await route.plan.execute(variables, fetchFrom);
  } catch (error) {
    if (!(error instanceof NotHere))
      logger.error(
        { err: error, requestId: requestContext.requestId },
        'compiled plan failed; planned path answers',
      );
    return 'given back';
  }
  route.answered += 1;
  send(res, 200, JSON_ANSWER, JSON.stringify({ data }) + '\n', policy.header());
  return 'answered';
}

/** Apollo Server's cache policy (cachePolicy.js) and the header its cache-control plugin writes from it. */
class CachePolicy {
  private maxAge?: number;
  private scope?: 'PUBLIC' | 'PRIVATE';

  restrict(hint: { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' }): void {
    if (hint.maxAge !== undefined && (this.maxAge === undefined || hint.maxAge < this.maxAge))
      this.maxAge = hint.maxAge;
    if (hint.scope !== undefined && this.scope !== 'PRIVATE') this.scope = hint.scope;
  }

  header(): string {
    if (this.maxAge === undefined || this.maxAge === 0) return 'no-store';
    return `max-age=${this.maxAge}, ${(this.scope ?? 'PUBLIC').toLowerCase()}`;
  }
}

function sendUnavailable(
  res: Parameters<HttpShortcut>[0]['res'],
  subgraph: string,
  formatError: SubgraphShortcutOptions['formatError'],
  requestId: string,
): void {
  const unavailable = unavailableError(subgraph);
  const errors = [formatError(unavailable, unavailable, requestId)];
  send(res, 200, 'application/json; charset=utf-8', JSON.stringify({ errors, data: null }) + '\n');
}

function send(
  res: Parameters<HttpShortcut>[0]['res'],
  status: number,
  contentType: string,
  body: string | Buffer,
  cacheControl?: string,
  extra: { retryAfter?: string } = {},
): void {
  const headers: Record<string, string | number> = {
    'content-type': contentType,
    'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
  };
  if (cacheControl) headers['cache-control'] = cacheControl;
  // A rate-limited client is told when to come back, as the subgraph told the gateway.
  if (extra.retryAfter) headers['retry-after'] = extra.retryAfter;
  res.writeHead(status, headers);
  res.end(body);
}

/** A plain GraphQL-over-HTTP request: query text, optional operation name and variables, nothing else. */
function isOperationRequest(body: unknown): body is OperationRequest {
  if (!isPlainObject(body) || typeof body.query !== 'string') return false;
  for (const key in body) {
    const value = body[key];
    if (key === 'query') continue;
    if (key === 'operationName' && (value === null || typeof value === 'string')) continue;
    if (key === 'variables' && (value === null || isPlainObject(value))) continue;
    return false; // extensions (persisted queries) and anything unknown: Apollo Server decides.
  }
  return true;
}

function isNotConnected(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ECONNREFUSED';
}
