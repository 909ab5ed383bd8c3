import { ApolloServer, type ApolloServerPlugin, type BaseContext as ApolloBaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap';
import type { Viewer } from '@iso20000/auth';
import { graphqlTelemetryPlugin } from '@iso20000/telemetry';
import { GraphQLError, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { unauthenticatedContextError, type IncomingGraphQLRequest } from './http';
import { isClientError, toClientError } from './errors';
import { refuseNulCharactersPlugin } from './input-characters';
import type { UniqueViolationMessages } from './refusal';
import type { Logger } from './logger';
import { requestIdFrom } from './request-id';
import { TrustedProxies } from './client-address';

/** What every resolver can rely on; services extend it with their loaders and data source. */
export interface BaseContext extends ApolloBaseContext {
  requestId: string;
  viewer: Viewer;
  logger: Logger;
  /** The client's address: the connection's, or what a trusted proxy forwarded (see TrustedProxies). */
  clientAddress?: string;
}

export interface SubgraphOptions {
  name: string;
  typeDefs: DocumentNode;
  // Generated resolver maps are structurally wider than Apollo's; they are checked where they are written.
  resolvers: object;
  logger: Logger;
  production: boolean;
  plugins?: ApolloServerPlugin<never>[];
  /** The service's unique constraints and the CONFLICT message each means to a client. */
  uniqueViolations?: UniqueViolationMessages;
}

/** buildSubgraphSchema + ApolloServer with the house defaults: masked internal errors in production. */
export function createSubgraph<TContext extends BaseContext>(
  options: SubgraphOptions,
): ApolloServer<TContext> {
  const schema = buildSubgraphSchema({
    typeDefs: options.typeDefs,
    resolvers: options.resolvers as GraphQLResolverMap<unknown>,
  });
  return new ApolloServer<TContext>({
    schema,
    introspection: !options.production,
    includeStacktraceInErrorResponses: !options.production,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Federated tracing is only useful with usage reporting, which we do not run.
      ApolloServerPluginInlineTraceDisabled(),
      // No schema gives cache hints and the gateway ignores a subgraph's Cache-Control: the default
      // plugin's hook on every resolved field cost ~4% of the registry's CPU on a page of 100.
      ApolloServerPluginCacheControlDisabled(),
      graphqlTelemetryPlugin<TContext>(),
      refuseNulCharactersPlugin<TContext>(),
      rateLimitedAsHttp429<TContext>(),
      ...((options.plugins ?? []) as ApolloServerPlugin<TContext>[]),
    ],
    formatError: (formatted, error) =>
      maskInternalError(
        refusalAsClientError(formatted, error, options.uniqueViolations),
        error,
        options.logger,
        options.production,
      ),
  });
}

/**
 * A RATE_LIMITED error makes the answer HTTP 429 with Retry-After (the longest wait any of its
 * errors names), so clients and proxies see a refusal rather than a 200 to retry at once.
 */
function rateLimitedAsHttp429<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const limited = (response.body.singleResult.errors ?? []).filter(
            (error) => error.extensions?.code === 'RATE_LIMITED',
          );
          if (limited.length === 0) return;
          const seconds = Math.max(
            1,
            ...limited.map((error) => Number(error.extensions?.retryAfterSeconds) || 1),
          );
          response.http.status = 429;
          response.http.headers.set('retry-after', String(Math.ceil(seconds)));
        },
      };
    },
  };
}

/**
 * The one place where a DomainRefusal, or a unique violation the service has named, becomes a
 * client error: the refusal's code and details in `extensions`, its message as the message.
 */
function refusalAsClientError(
  formatted: GraphQLFormattedError,
  error: unknown,
  uniqueViolations: UniqueViolationMessages | undefined,
): GraphQLFormattedError {
  const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  const client = toClientError(original, uniqueViolations);
  if (!client || client === original) return formatted;
  const { stacktrace } = formatted.extensions ?? {};
  return {
    ...formatted,
    message: client.message,
    extensions: { ...client.extensions, ...(stacktrace ? { stacktrace } : {}) },
  };
}

export function maskInternalError(
  formatted: GraphQLFormattedError,
  error: unknown,
  logger: Logger,
  production: boolean,
): GraphQLFormattedError {
  if (isClientError(formatted.extensions?.code)) return formatted;
  const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  logger.error({ err: original, path: formatted.path }, 'internal error');
  if (!production) return formatted;
  return {
    message: 'Internal server error',
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

export interface Authenticates {
  authenticate(authorization: string | undefined): Promise<Viewer>;
}

/**
 * Builds the per-request base context: a request id (taken from the gateway when present) and the
 * viewer, verified here from the forwarded credential, never from an identity header.
 */
export function baseContextFactory(
  authenticator: Authenticates,
  logger: Logger,
  trustedProxies: TrustedProxies = new TrustedProxies(undefined),
) {
  return async (request: IncomingGraphQLRequest): Promise<BaseContext> => {
    const requestId = requestIdFrom(request.headers);
    const authorization = request.headers.authorization;
    let viewer: Viewer;
    try {
      viewer = await authenticator.authenticate(authorization);
    } catch (error) {
      const message = error instanceof Error ? error.message : 'invalid credentials';
      throw unauthenticatedContextError(message);
    }
    const clientAddress = trustedProxies.clientAddress(
      request.remoteAddress,
      request.headers['x-forwarded-for'],
    );
    return { requestId, viewer, logger: logger.child({ requestId }), clientAddress };
  };
}
