import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Viewer } from '@iso20000/auth';
import {
  DateScalar,
  DateTimeScalar,
  RawBody,
  toClientError,
  TrustedProxies,
  type Authenticates,
  type Logger,
} from '@iso20000/service-kit';
import {
  getOperationAST,
  GraphQLError,
  GraphQLScalarType,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode, handleProtocols, makeServer } from 'graphql-ws';
import type { NatsConnection } from 'nats';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SubscriptionConfig } from './config';
import { EventFeed } from './event-feed';
import { SubscribeBudget } from './subscribe-budget';
import { observeSubscriptionLoad } from './metrics';
import { buildSubscriptionTypes, subscriptionSchemaSdl } from './subscription-schema';
import {
  openSubscription,
  SUBSCRIPTION_PLANS,
  type FeedFailure,
  type SubscriptionContext,
} from './subscription-fields';

/** The codes a subscriber is told as they are; anything else is internal (masked in production). */
const SUBSCRIPTION_CODES = new Set([
  'CURSOR_EXPIRED',
  'SERVICE_UNAVAILABLE',
  'SUBSCRIBER_TOO_SLOW',
  'SUBSCRIPTION_LIMIT_EXCEEDED',
  'RATE_LIMITED',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
]);

/** Close codes beside graphql-ws's own: the credential stopped being good, or cannot be checked now. */
export const SUBSCRIPTION_CLOSE = {
  /** Refused or revoked credential (graphql-ws clients do not retry it). */
  unauthorized: CloseCode.Unauthorized,
  /** The credential cannot be verified right now (fail-closed copy): retry shortly. */
  unavailable: 4503,
  /** The gateway is shutting down: reconnect (to another replica) and resume with the cursor. */
  goingAway: 1001,
} as const;

export interface SubscriptionServerOptions {
  server: Server;
  /** buildSubscriptionSchema's result (main also serves its SDL over HTTP). */
  built: { schema: GraphQLSchema; sdl: string };
  authenticator: Authenticates;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  config: SubscriptionConfig;
  production: boolean;
  /** GATEWAY_MAX_TOKENS: the same token limit as queries. */
  maxTokens: number;
  /** GATEWAY_TRUSTED_PROXIES: whose X-Forwarded-For names an anonymous client's address. */
  trustedProxies?: string;
}

const KEEP_ALIVE_MS = 12_000;

interface Extra {
  socket: WebSocket;
  request: IncomingMessage;
}

interface ConnectionState {
  viewer?: Viewer;
  /** Whose subscribe budget this connection spends: the credential's subject, or the client's address. */
  client?: string;
  revalidation?: NodeJS.Timeout;
}

/** A viewer's identity for comparing two verifications of one credential. */
const identityOf = (viewer: Viewer) =>
  [viewer.role, viewer.subject, viewer.candidateId, viewer.atoId, viewer.rcbId, viewer.credentialId].join(
    '|',
  );

/** A close reason is at most 123 bytes. */
const reason = (text: string) => Buffer.from(text).subarray(0, 120).toString('utf8');

/**
 * The executable subscription schema: SUBSCRIPTION_PLANS as the fields' subscribe functions, each
 * payload passed through as built (a carried failure becomes this subscription's error).
 */
export function buildSubscriptionSchema(supergraphSdl: string): { schema: GraphQLSchema; sdl: string } {
  const schema = buildSubscriptionTypes(supergraphSdl);
  const sdl = subscriptionSchemaSdl(schema);
  for (const scalar of [DateScalar, DateTimeScalar]) {
    const type = schema.getType(scalar.name);
    if (!(type instanceof GraphQLScalarType))
      throw new Error(`subscription schema lacks scalar ${scalar.name}`);
    Object.assign(type, {
      serialize: scalar.serialize,
      parseValue: scalar.parseValue,
      parseLiteral: scalar.parseLiteral,
    });
  }
  const fields = schema.getSubscriptionType()?.getFields() ?? {};
  for (const [name, field] of Object.entries(fields)) {
    const plan = SUBSCRIPTION_PLANS[name];
    if (!plan) throw new Error(`subscription field ${name} has no plan`);
    field.subscribe = (_root, args: Record<string, unknown>, context: SubscriptionContext) =>
      openSubscription(plan(args, context.viewer), args.after, context);
    field.resolve = (value: Record<string, unknown> | FeedFailure) => {
      if ('__failure' in value) throw value.__failure;
      return value;
    };
  }
  const query = schema.getQueryType()?.getFields().subscriptionSchema;
  if (query) query.resolve = () => sdl;
  return { schema, sdl };
}

/** The SDL as a GET route of the gateway's HTTP server, so clients and tools can read it without a socket. */
export const SUBSCRIPTION_SDL_PATH = '/subscriptions.graphql';

export function subscriptionSdlRoute(sdl: string): Record<string, () => Promise<RawBody>> {
  const body = new RawBody('text/plain; charset=utf-8', sdl);
  return { [SUBSCRIPTION_SDL_PATH]: async () => body };
}

/**
 * GraphQL subscriptions over WebSocket on the gateway's HTTP server (the `upgrade` of /graphql), served
 * from JetStream by this process: authentication at connection_init with the HTTP credentials,
 * verified again every GATEWAY_SUBSCRIPTION_REVALIDATE_MS; limits on connections, subscriptions per
 * connection, message size and document tokens.
 */
export function serveSubscriptions(options: SubscriptionServerOptions) {
  const { config, logger, authenticator, production } = options;
  const { schema, sdl } = options.built;
  const feed = new EventFeed({
    nc: options.nc,
    namespace: options.namespace,
    logger,
    maxBufferedEvents: config.GATEWAY_SUBSCRIPTION_BUFFER,
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.GATEWAY_MAX_WS_MESSAGE_BYTES });
  const states = new WeakMap<WebSocket, ConnectionState>();
  const stateOf = (socket: WebSocket) => {
    let state = states.get(socket);
    if (!state) states.set(socket, (state = {}));
    return state;
  };
  const budget = new SubscribeBudget(
    config.GATEWAY_SUBSCRIBE_RATE_BURST,
    config.GATEWAY_SUBSCRIBE_RATE_PER_MINUTE,
  );
  const proxies = new TrustedProxies(options.trustedProxies ?? '');
  const rules = production ? [...specifiedRules, NoSchemaIntrospectionCustomRule] : specifiedRules;

  const formatError = (error: GraphQLError): GraphQLFormattedError => {
    // a refusal thrown by shared input rules (parseText) becomes its client error, located like the original
    const original = error.originalError;
    const client = original && !(original instanceof GraphQLError) ? toClientError(original) : null;
    const formatted = client
      ? { ...error.toJSON(), message: client.message, extensions: client.extensions }
      : error.toJSON();
    const code = formatted.extensions?.code;
    if (SUBSCRIPTION_CODES.has(String(code))) return formatted;
    // graphql-js's own errors (a variable of the wrong type, an unknown argument) are the client's
    if (code === undefined && (!original || original instanceof GraphQLError))
      return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
    logger.error({ err: original ?? error, path: formatted.path }, 'internal subscription error');
    return production
      ? {
          message: 'Internal server error',
          path: formatted.path,
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        }
      : formatted;
  };
  const refusal = (message: string, code: string, details: Record<string, unknown> = {}) => [
    new GraphQLError(message, { extensions: { code, ...details } }),
  ];

  const protocol = makeServer<Record<string, unknown>, Extra>({
    schema,
    connectionInitWaitTimeout: 5_000,
    onConnect: async (ctx) => {
      const socket = ctx.extra.socket;
      const params = ctx.connectionParams ?? {};
      const given = params.authorization ?? params.Authorization ?? ctx.extra.request.headers.authorization;
      if (given !== undefined && typeof given !== 'string') {
        socket.close(CloseCode.BadRequest, 'connection_init authorization must be a string');
        return false;
      }
      const authorization = given || undefined;
      const state = stateOf(socket);
      try {
        state.viewer = await authenticator.authenticate(authorization);
      } catch (error) {
        closeForCredential(socket, error);
        return false;
      }
      const request = ctx.extra.request;
      const address = proxies.clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for']);
      state.client = state.viewer.subject
        ? `subject:${state.viewer.subject}`
        : `address:${address ?? 'unknown'}`;
      if (authorization) {
        const identity = identityOf(state.viewer);
        // A revoked API key (or an expired token) closes its connection within one interval.
        state.revalidation = setInterval(() => {
          authenticator.authenticate(authorization).then(
            (viewer) => {
              if (identityOf(viewer) !== identity)
                socket.close(SUBSCRIPTION_CLOSE.unauthorized, 'Unauthorized: the credential changed');
            },
            (error: unknown) => closeForCredential(socket, error),
          );
        }, config.GATEWAY_SUBSCRIPTION_REVALIDATE_MS);
        state.revalidation.unref();
      }
      return true;
    },
    onClose: (ctx) => {
      const state = states.get(ctx.extra.socket);
      if (state?.revalidation) clearInterval(state.revalidation);
    },
    onSubscribe: (ctx, _id, payload) => {
      const state = states.get(ctx.extra.socket);
      const viewer = state?.viewer;
      if (!state || !viewer) return refusal('Not connected', 'UNAUTHENTICATED');
      const active = Object.keys(ctx.subscriptions).length;
      if (active > config.GATEWAY_MAX_SUBSCRIPTIONS_PER_CONNECTION)
        return refusal(
          `A connection may hold ${config.GATEWAY_MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions at once: complete one first or open another connection`,
          'SUBSCRIPTION_LIMIT_EXCEEDED',
          { limit: config.GATEWAY_MAX_SUBSCRIPTIONS_PER_CONNECTION },
        );
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxTokens: options.maxTokens });
      } catch (error) {
        return refusal((error as Error).message, 'GRAPHQL_PARSE_FAILED');
      }
      const errors = validate(schema, document, rules);
      if (errors.length)
        return errors.map(
          (e) =>
            new GraphQLError(e.message, {
              nodes: e.nodes,
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
            }),
        );
      const operation = getOperationAST(document, payload.operationName);
      if (!operation)
        return refusal('Name the operation to run (operationName)', 'GRAPHQL_VALIDATION_FAILED');
      if (operation.operation === 'subscription') {
        const limited = budget.spend(state.client ?? 'unknown');
        if (limited) return [limited];
      }
      const contextValue: SubscriptionContext = {
        viewer,
        feed,
        logger,
        progressMs: config.GATEWAY_SUBSCRIPTION_PROGRESS_MS,
      };
      const args: ExecutionArgs = {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue,
      };
      return args;
    },
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors?.length ? { ...result, errors: result.errors.map(formatError) } : undefined,
    onError: (_ctx, _id, _payload, errors) => errors.map(formatError),
  });

  function closeForCredential(socket: WebSocket, error: unknown) {
    const code = error instanceof GraphQLError ? error.extensions.code : undefined;
    const message = error instanceof Error ? error.message : 'invalid credentials';
    if (code === 'SERVICE_UNAVAILABLE')
      socket.close(SUBSCRIPTION_CLOSE.unavailable, reason(`Service unavailable: ${message}`));
    else socket.close(SUBSCRIPTION_CLOSE.unauthorized, reason(`Unauthorized: ${message}`));
  }

  // graphql-ws's own `use/ws` glue, with the gateway's logger and keep-alive: a peer that stops
  // answering pings is dropped, so a dead client does not hold its subscriptions' tails.
  wss.options.handleProtocols = handleProtocols;
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    socket.once('error', (error) => {
      logger.warn({ err: error }, 'subscription socket error');
      socket.terminate();
    });
    let alive = true;
    socket.on('pong', () => (alive = true));
    const keepAlive = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, KEEP_ALIVE_MS);
    keepAlive.unref();
    const closed = protocol.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, why) => socket.close(code, why),
        onMessage: (handle) =>
          socket.on('message', (data: Buffer) => {
            handle(data.toString('utf8')).catch((error: unknown) => {
              logger.error({ err: error }, 'subscription message failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      { socket, request },
    );
    socket.once('close', (code, why) => {
      clearInterval(keepAlive);
      void closed(code, why.toString('utf8'));
    });
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '/').split('?', 1)[0];
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    if (path !== '/graphql' && path !== '/') return refuse('404 Not Found');
    if (wss.clients.size >= config.GATEWAY_MAX_WS_CONNECTIONS) return refuse('503 Service Unavailable');
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  options.server.on('upgrade', onUpgrade);
  const unobserve = observeSubscriptionLoad({
    connections: () => wss.clients.size,
    subscriptions: () => feed.stats().readers,
    tails: () => feed.stats().tails,
  });

  return {
    sdl,
    feed,
    /** Open WebSocket connections (metrics, tests). */
    connections: () => wss.clients.size,
    /** Closes every connection with 1001 (clients resume elsewhere with their cursors), then the feed. */
    async close(): Promise<void> {
      options.server.off('upgrade', onUpgrade);
      unobserve();
      for (const client of wss.clients)
        client.close(SUBSCRIPTION_CLOSE.goingAway, 'The gateway is restarting');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await feed.close();
    },
  };
}

export type SubscriptionServer = ReturnType<typeof serveSubscriptions>;
