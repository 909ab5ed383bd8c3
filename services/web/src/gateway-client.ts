import { Agent, request } from 'undici';
import type { Logger } from '@iso20000/service-kit';
import { injectTraceHeaders } from '@iso20000/telemetry';

/** What went wrong asking the gateway, with the GraphQL error code a page maps to a status. */
export class GatewayError extends Error {
  constructor(
    message: string,
    /** extensions.code of the first GraphQL error, or UNAVAILABLE when the gateway did not answer. */
    readonly code: string,
    /** RATE_LIMITED: when the visitor may try again, as the service said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

export interface GatewayClient {
  query<TData>(
    query: string,
    variables: Record<string, unknown>,
    requestId: string,
    visitor?: Visitor,
  ): Promise<TData>;
  close(): Promise<void>;
}

/** Who the page is for: the gateway spends the visitor's rate-limit budget, not the web server's. */
export interface Visitor {
  address: string | undefined;
}

/**
 * The client for one page request: every query carries the visitor's address as X-Forwarded-For,
 * which the gateway believes only from a proxy it trusts (GATEWAY_TRUSTED_PROXIES).
 */
export function forVisitor(client: GatewayClient, visitor: Visitor): GatewayClient {
  return {
    query: (query, variables, requestId) => client.query(query, variables, requestId, visitor),
    close: () => client.close(),
  };
}

interface GraphQLResponse<TData> {
  data?: TData | null;
  errors?: Array<{ message: string; extensions?: { code?: unknown; retryAfterSeconds?: unknown } }>;
}

/** A public client of the gateway (no credentials): keep-alive connections, a timeout per request. */
export function createGatewayClient(options: {
  url: string;
  timeoutMs: number;
  logger: Logger;
}): GatewayClient {
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  return {
    async query<TData>(
      query: string,
      variables: Record<string, unknown>,
      requestId: string,
      visitor?: Visitor,
    ) {
      let status: number;
      let body: GraphQLResponse<TData>;
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-request-id': requestId,
      };
      if (visitor?.address) headers['x-forwarded-for'] = visitor.address;
      // The page's trace continues through the gateway into the subgraphs.
      injectTraceHeaders(headers);
      try {
        const response = await request(options.url, {
          method: 'POST',
          dispatcher,
          headers,
          body: JSON.stringify({ query, variables }),
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        });
        status = response.statusCode;
        body = (await response.body.json()) as GraphQLResponse<TData>;
      } catch (error) {
        options.logger.warn({ err: error, requestId }, 'gateway did not answer');
        throw new GatewayError('the gateway did not answer', 'UNAVAILABLE');
      }
      const first = body.errors?.[0];
      if (first) {
        const code =
          typeof first.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL_SERVER_ERROR';
        if (!['BAD_USER_INPUT', 'NOT_FOUND', 'RATE_LIMITED'].includes(code)) {
          options.logger.error({ requestId, status, errors: body.errors }, 'gateway answered with errors');
        }
        const retryAfter = Number(first.extensions?.retryAfterSeconds);
        throw new GatewayError(first.message, code, retryAfter > 0 ? Math.ceil(retryAfter) : undefined);
      }
      if (!body.data) throw new GatewayError(`the gateway answered ${status} without data`, 'UNAVAILABLE');
      return body.data;
    },
    close: () => dispatcher.close(),
  };
}
