import type { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { authenticationUnavailable, type CredentialStore } from '@iso20000/auth';
import { eventSettingsFrom, OutboxRelay, pruneEvents } from '@iso20000/events';
import type { DocumentNode } from 'graphql';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { createServiceAuthenticator } from './authentication';
import { trustedProxiesSpecOf, type BaseServiceConfig } from './config';
import { TrustedProxies } from './client-address';
import type { IncomingGraphQLRequest } from './http';
import type { Logger } from './logger';
import type { UniqueViolationMessages } from './refusal';
import { IntervalWorker } from './interval-worker';
import { baseContextFactory, createSubgraph, type Authenticates, type BaseContext } from './subgraph';

/** Something that runs beside the API: an event consumer, a follower, a scheduled job. */
export interface BackgroundWorker {
  start(): Promise<void> | void;
  stop(): Promise<void>;
}

export interface AssembleServiceOptions<TContext extends BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: object;
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  config: BaseServiceConfig;
  /** Tests may pass their own; otherwise JWTs + RCB credentials replicated from accreditation's events. */
  authenticator?: Authenticates;
  /** Wraps the scheme's authentication (e.g. a service that checks its own kind of key first). */
  withAuthenticator?: (scheme: Authenticates) => Authenticates;
  /**
   * The service's context from the verified base context (loaders, data source...). `request` is
   * there for what only the HTTP request knows (e.g. the forwarded client address); tests and
   * in-process callers pass none.
   */
  contextFor(base: BaseContext, request?: IncomingGraphQLRequest): TContext;
  /** Started after Apollo and the outbox relay, stopped before them. */
  workers?: (relay: OutboxRelay) => BackgroundWorker[];
  plugins?: ApolloServerPlugin<TContext>[];
  /** The service's unique constraints and the CONFLICT message each means to a client. */
  uniqueViolations?: UniqueViolationMessages;
}

export interface AssembledService<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  context(request: IncomingGraphQLRequest): Promise<TContext>;
  contextFor(base: BaseContext, request?: IncomingGraphQLRequest): TContext;
  relay: OutboxRelay;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The parts every subgraph has in the same arrangement: authentication, the subgraph server, the
 * outbox relay (kicked after each mutation so events leave at once rather than at the next poll),
 * background workers, started and stopped in order, and the events tables' retention job.
 */
export async function assembleService<TContext extends BaseContext>(
  options: AssembleServiceOptions<TContext>,
): Promise<AssembledService<TContext>> {
  const { dataSource, nc, logger, config } = options;
  const namespace = options.namespace ?? config.EVENTS_NAMESPACE;
  // The replicated credential copy follows streams with timers and consumers: opened by start() and
  // closed by stop(), so a service built and never started (or whose start failed) holds nothing open.
  let scheme = options.authenticator;
  let credentials: CredentialStore | undefined;
  const openScheme = async (): Promise<void> => {
    if (scheme) return;
    const created = await createServiceAuthenticator(
      { ...config, EVENTS_NAMESPACE: namespace },
      nc,
      logger,
      options.name,
    );
    credentials = created.credentials;
    scheme = created.authenticator;
  };
  const closeScheme = async (): Promise<void> => {
    const open = credentials;
    if (!open) return;
    credentials = undefined;
    scheme = undefined;
    await open.close();
  };
  const startedScheme: Authenticates = {
    authenticate(authorization) {
      if (!scheme) throw authenticationUnavailable(`The ${options.name} service is not started`);
      return scheme.authenticate(authorization);
    },
  };
  const authenticator = options.withAuthenticator?.(startedScheme) ?? startedScheme;
  const relay = new OutboxRelay({ dataSource, nc, namespace, logger });
  const kickRelayAfterMutations: ApolloServerPlugin<TContext> = {
    async requestDidStart() {
      return {
        async willSendResponse({ operation }) {
          if (operation?.operation === 'mutation') relay.kick();
        },
      };
    },
  };
  const apollo = createSubgraph<TContext>({
    name: options.name,
    typeDefs: options.typeDefs,
    resolvers: options.resolvers,
    logger,
    production: config.NODE_ENV === 'production',
    plugins: [kickRelayAfterMutations, ...(options.plugins ?? [])] as ApolloServerPlugin<never>[],
    uniqueViolations: options.uniqueViolations,
  });
  const trustedProxies = new TrustedProxies(trustedProxiesSpecOf(config));
  // Then every client behind the gateway spends the gateway's budget: safe, but one client can use it up.
  if (trustedProxies.empty && config.NODE_ENV === 'production')
    logger.warn('SERVICE_TRUSTED_PROXIES is empty: rate limits count the gateway, not its clients');
  const baseContext = baseContextFactory(authenticator, logger, trustedProxies);
  const eventSettings = eventSettingsFrom();
  // Published outbox rows and inbox rows past their retention, pruned once per tick across replicas.
  const eventsRetention = new IntervalWorker({
    name: 'events-retention',
    intervalMs: eventSettings.retentionIntervalMs,
    logger,
    dataSource,
    runAtStart: false,
    run: () => pruneEvents(dataSource, eventSettings),
  });
  const workers = [...(options.workers?.(relay) ?? []), eventsRetention];
  return {
    apollo,
    relay,
    contextFor: options.contextFor,
    context: async (request) => options.contextFor(await baseContext(request), request),
    async start() {
      await openScheme();
      await apollo.start();
      relay.start();
      for (const worker of workers) await worker.start();
    },
    async stop() {
      for (const worker of [...workers].reverse()) await worker.stop();
      await relay.stop();
      await closeScheme();
      await apollo.stop();
    },
  };
}
