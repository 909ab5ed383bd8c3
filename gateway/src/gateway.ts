import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { ApolloServer, type BaseContext as ApolloBaseContext } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
  ApolloServerPluginSchemaReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { Viewer } from '@iso20000/auth';
import {
  maskInternalError,
  REQUEST_ID_HEADER,
  type Authenticates,
  type IncomingGraphQLRequest,
  type Logger,
  requestIdFrom,
  unauthenticatedContextError,
} from '@iso20000/service-kit';
import fetch from 'node-fetch';
import type { GatewayConfig } from './config';

export interface GatewayContext extends ApolloBaseContext {
  requestId: string;
  viewer: Viewer;
  /** Forwarded as-is: each subgraph verifies the credential itself. */
  authorization?: string;
  clientAddress?: string;
}

export const SUBGRAPH_NAMES = ['exam', 'accreditation', 'certificate', 'registry'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export function defaultSupergraphPath(): string {
  return join(__dirname, '..', 'supergraph.graphql');
}

/** Keep-alive sockets to subgraphs: a new TCP connection per subgraph fetch would dominate latency. */
export function subgraphAgent(keepAlive = true): Agent {
  // Idle sockets are dropped after 30 s, well before the subgraphs' 65 s keep-alive timeout.
  return new Agent({
    keepAlive,
    maxSockets: 256,
    maxFreeSockets: 64,
    timeout: 30_000,
    scheduling: 'lifo',
  });
}

class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!request.http) return;
    const headers = request.http.headers;
    if ('authorization' in context && context.authorization)
      headers.set('authorization', context.authorization);
    if ('requestId' in context && context.requestId) headers.set(REQUEST_ID_HEADER, context.requestId);
    if ('clientAddress' in context && context.clientAddress)
      headers.set('x-forwarded-for', context.clientAddress);
  }
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
  const urls: Record<SubgraphName, string> = {
    exam: config.EXAM_URL,
    accreditation: config.ACCREDITATION_URL,
    certificate: config.CERTIFICATE_URL,
    registry: config.REGISTRY_URL,
  };
  const agent = subgraphAgent(config.GATEWAY_SUBGRAPH_KEEP_ALIVE);
  const gateway = new ApolloGateway({
    supergraphSdl: sdl,
    experimental_approximateQueryPlanStoreMiB: config.GATEWAY_QUERY_PLAN_CACHE_MIB,
    buildService: ({ name, url }) =>
      new ForwardingDataSource({
        url: urls[name as SubgraphName] ?? url,
        fetcher: ((input: string, init: Record<string, unknown>) =>
          fetch(input, { ...init, agent })) as never,
      }),
    logger,
  });

  const armor = new ApolloArmor({
    maxDepth: { n: config.GATEWAY_MAX_DEPTH },
    costLimit: { maxCost: config.GATEWAY_MAX_COST },
    maxAliases: { n: config.GATEWAY_MAX_ALIASES },
    maxTokens: { n: config.GATEWAY_MAX_TOKENS },
    maxDirectives: { n: 50 },
    blockFieldSuggestion: { enabled: production },
  });
  const protection = armor.protect();

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !production,
    includeStacktraceInErrorResponses: !production,
    allowBatchedHttpRequests: false,
    validationRules: protection.validationRules,
    plugins: [
      ...(protection.plugins as never[]),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    ],
    formatError: (formatted, error) => maskInternalError(formatted, error, logger, production),
  });

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
    return { requestId, viewer, authorization, clientAddress: request.remoteAddress };
  };

  return {
    apollo,
    context,
    agent,
    stop: async () => {
      await apollo.stop();
      agent.destroy();
    },
  };
}
