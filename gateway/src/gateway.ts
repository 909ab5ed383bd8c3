import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
  ApolloServerPluginSchemaReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { Viewer } from '@iso20000/auth';
import { isSubgraphService } from '@iso20000/topology';
import { GraphQLError, type GraphQLFormattedError, type ValidationContext } from 'graphql';
import {
  maskInternalError,
  type Authenticates,
  type HttpShortcut,
  type IncomingGraphQLRequest,
  type Logger,
  requestIdFrom,
  TrustedProxies,
  unauthenticatedContextError,
} from '@iso20000/service-kit';
import { graphqlTelemetryPlugin } from '@iso20000/telemetry';
import { subgraphUrls, type GatewayConfig } from './config';
import { SubgraphAnswers, type GatewayContext } from './context';
import { costLimitPlugin } from './cost';
import { GATEWAY_CODES, subgraphAnswersPlugin, asSubgraphSaidIt } from './subgraph-answers';
import { SubgraphClient, SubgraphDataSource } from './subgraph-client';
import { SubgraphRouteTable } from './subgraph-routes';
import { subgraphShortcut } from './subgraph-shortcut';

export type { GatewayContext } from './context';

export function defaultSupergraphPath(): string {
  return join(__dirname, '..', 'supergraph.graphql');
}

export interface BuildGatewayOptions {
  config: GatewayConfig;
  authenticator: Authenticates;
  logger: Logger;
  supergraphSdl?: string;
}

export function buildGateway({ config, authenticator, logger, supergraphSdl }: BuildGatewayOptions) {
  const production = config.NODE_ENV === 'production';
  const sdl = supergraphSdl ?? readFileSync(config.SUPERGRAPH_PATH ?? defaultSupergraphPath(), 'utf8');
  const urls = subgraphUrls(config);
  const client = new SubgraphClient(config.GATEWAY_SUBGRAPH_KEEP_ALIVE, config.GATEWAY_SUBGRAPH_TIMEOUT_MS);
  const routes =
    config.GATEWAY_SUBGRAPH_ROUTES || config.GATEWAY_COMPILED_PLANS
      ? SubgraphRouteTable.fromSupergraph(sdl, {
          subgraphRoutes: config.GATEWAY_SUBGRAPH_ROUTES,
          compiledPlans: config.GATEWAY_COMPILED_PLANS,
        })
      : undefined;
  const gateway = new ApolloGateway({
    supergraphSdl: sdl,
    experimental_approximateQueryPlanStoreMiB: config.GATEWAY_QUERY_PLAN_CACHE_MIB,
    buildService: ({ name, url }) =>
      new SubgraphDataSource(name, (isSubgraphService(name) ? urls[name] : url) ?? '', client, logger),
    // Every plan teaches the route table whether its operation can go to one subgraph as written.
    experimental_didResolveQueryPlan: routes
      ? ({ queryPlan, requestContext }) => {
          const { query, operationName } = requestContext.request;
          if (query && requestContext.document)
            routes.learn(query, operationName ?? undefined, queryPlan, requestContext.document);
        }
      : undefined,
    logger,
  });

  // Each limit refuses with a code of its own (armor's errors say "Syntax Error" and are reported
  // by Apollo Server as GRAPHQL_VALIDATION_FAILED; formatError below gives the code back).
  const refuseWith = (code: string) => ({
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(
          new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code } }),
        ),
    ],
  });
  const armor = new ApolloArmor({
    maxDepth: { n: config.GATEWAY_MAX_DEPTH, ...refuseWith('DEPTH_LIMIT_EXCEEDED') },
    // The cost limit needs the request's variables (a page size passed as $first): src/cost.ts.
    costLimit: { enabled: false },
    maxAliases: { n: config.GATEWAY_MAX_ALIASES, ...refuseWith('ALIAS_LIMIT_EXCEEDED') },
    // graphql-js counts tokens itself (parseOptions below): armor's count runs before parsing and turns
    // every syntax error into an HTTP 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: 50, ...refuseWith('DIRECTIVE_LIMIT_EXCEEDED') },
    blockFieldSuggestion: { enabled: production },
  });
  const protection = armor.protect();
  /**
   * Every error a client gets, on either path: internal ones masked, the gateway's own codes kept.
   * An internal one is logged with the request's id where the caller has it (the gateway does not
   * scope requests for its log lines: src/main.ts); Apollo Server's own call passes none.
   */
  const formatError = (formatted: GraphQLFormattedError, error: unknown = formatted, requestId?: string) => {
    const visible = withLimitCode(asSubgraphSaidIt(formatted, error), error);
    return GATEWAY_CODES.has(String(visible.extensions?.code))
      ? visible
      : maskInternalError(visible, error, requestId ? logger.child({ requestId }) : logger, production);
  };

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !production,
    includeStacktraceInErrorResponses: !production,
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: config.GATEWAY_MAX_TOKENS },
    validationRules: protection.validationRules,
    plugins: [
      ...(protection.plugins as never[]),
      costLimitPlugin(config.GATEWAY_MAX_COST),
      subgraphAnswersPlugin(formatError),
      graphqlTelemetryPlugin<GatewayContext>(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    ],
    formatError,
  });

  const trustedProxies = new TrustedProxies(config.GATEWAY_TRUSTED_PROXIES);
  const context = async (request: IncomingGraphQLRequest): Promise<GatewayContext> => {
    const requestId = requestIdFrom(request.headers);
    const authorization = request.headers.authorization;
    let viewer: Viewer;
    try {
      // Authenticate once at the edge so a bad credential never reaches a subgraph.
      viewer = await authenticator.authenticate(authorization);
    } catch (error) {
      throw unauthenticatedContextError(error instanceof Error ? error.message : 'invalid credentials');
    }
    return {
      requestId,
      viewer,
      authorization,
      clientAddress: trustedProxies.clientAddress(request.remoteAddress, request.headers['x-forwarded-for']),
      subgraphAnswers: new SubgraphAnswers(),
    };
  };

  const shortcut: HttpShortcut | undefined = routes
    ? subgraphShortcut({
        routes,
        client,
        urls,
        context,
        logger,
        formatError,
        maxCost: config.GATEWAY_MAX_COST,
        apiSchema: routes.apiSchema,
      })
    : undefined;

  return {
    apollo,
    context,
    /** Pass to serveHttp: answers single-subgraph operations without executing their plan. */
    shortcut,
    /** Pass to serveHttp: what the gateway refuses before reading a request as GraphQL. */
    requestLimits: {
      maxDocumentBytes: config.GATEWAY_MAX_DOCUMENT_BYTES,
      maxJsonDepth: config.GATEWAY_MAX_JSON_DEPTH,
    },
    routes,
    stop: async () => {
      await apollo.stop();
      await client.close();
    },
  };
}

/** A limit's refusal, reported as a validation error, with the limit's own code. */
function withLimitCode(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  const code = original instanceof GraphQLError ? original.extensions.code : undefined;
  if (typeof code !== 'string' || !GATEWAY_CODES.has(code)) return formatted;
  return { ...formatted, extensions: { ...formatted.extensions, code } };
}
