import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import type { CredentialStore } from '@iso20000/auth';
import { OutboxRelay } from '@iso20000/events';
import {
  baseContextFactory,
  createServiceAuthenticator,
  createSubgraph,
  type Authenticates,
  type BaseContext,
  type IncomingGraphQLRequest,
  type Logger,
} from '@iso20000/service-kit';
import type { ApolloServer } from '@apollo/server';
import { parse } from 'graphql';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import type { CertificateConfig } from './config';
import type { ServiceContext } from './context';
import { publicUrls } from './credentials/credential-documents';
import { loadSigningKey, type CertificateIssuer } from './credentials/issuer';
import { jwksOf } from './credentials/signing-key';
import { createCertificateConsumers } from './events/certificate-consumers';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import { issueStillPendingCertificates } from './use-cases/issue-certificate';
import { PostgresRateLimiter, rateLimitClientKey } from './use-cases/rate-limit';
import { signedStatusList } from './use-cases/status-lists';

export const typeDefs = parse(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));

export interface CertificateServiceDeps {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  config: CertificateConfig;
  /** Tests may pass their own; otherwise JWTs + RCB credentials replicated from accreditation. */
  authenticator?: Authenticates;
  /** How often certificates left pending are retried and idle rate-limit buckets forgotten (default 60 s). */
  sweepIntervalMs?: number;
}

export interface CertificateService {
  apollo: ApolloServer<ServiceContext>;
  context: (request: IncomingGraphQLRequest) => Promise<ServiceContext>;
  /** The context for an already identified viewer (in-process tests use it like the gateway would). */
  contextFor(base: BaseContext, headers?: IncomingHttpHeaders): ServiceContext;
  issuer: CertificateIssuer;
  /** Extra GET routes for serveHttp: the JWKS and the status lists, where relying parties expect them. */
  routes: Record<string, () => Promise<unknown>>;
  /** Starts Apollo, the outbox relay, the event consumers and the pending-issuance sweep. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function buildService(deps: CertificateServiceDeps): Promise<CertificateService> {
  const { dataSource, nc, logger, config } = deps;
  const namespace = deps.namespace ?? config.EVENTS_NAMESPACE;
  let authenticator = deps.authenticator;
  let credentials: CredentialStore | null = null;
  if (!authenticator) {
    const created = await createServiceAuthenticator({ ...config, EVENTS_NAMESPACE: namespace }, nc, logger, 'certificate');
    authenticator = created.authenticator;
    credentials = created.credentials;
  }
  const issuer: CertificateIssuer = {
    key: await loadSigningKey(
      dataSource,
      { configuredKey: config.CERTIFICATE_SIGNING_KEY, production: config.NODE_ENV === 'production' },
      logger,
    ),
    profile: { baseUrl: config.CERTIFICATE_PUBLIC_BASE_URL, name: config.CERTIFICATE_ISSUER_NAME },
    calendar: { holidays: config.publicHolidays },
  };
  const rateLimiter = new PostgresRateLimiter(dataSource, {
    burst: config.VERIFY_RATE_LIMIT_BURST,
    perMinute: config.VERIFY_RATE_LIMIT_PER_MINUTE,
  });
  const relay = new OutboxRelay({ dataSource, nc, namespace, logger });
  const consumers = createCertificateConsumers({ dataSource, nc, namespace, logger, issuer });
  const apollo = createSubgraph<ServiceContext>({
    name: 'certificate',
    typeDefs,
    resolvers,
    logger,
    production: config.NODE_ENV === 'production',
  });
  const baseContext = baseContextFactory(authenticator, logger);

  // Routes at the paths the credentials name (publicUrls), relative to this service.
  const urls = publicUrls(issuer.profile);
  const routes: Record<string, () => Promise<unknown>> = {
    [new URL(urls.jwks).pathname]: async () => jwksOf(issuer.key),
    // serveHttp sends JSON: the status list's compact JWS goes out as a JSON string.
    [new URL(urls.statusList(1)).pathname]: async () => (await signedStatusList(dataSource, issuer, 1)).jwt,
  };

  let sweep: NodeJS.Timeout | null = null;
  const sweepOnce = async () => {
    await issueStillPendingCertificates(dataSource, issuer, logger);
    await rateLimiter.forgetIdleClients().catch((err: unknown) => logger.warn({ err }, 'could not forget idle rate-limit buckets'));
    relay.kick();
  };

  const contextFor = (base: BaseContext, headers: IncomingHttpHeaders = {}): ServiceContext => ({
    ...base,
    dataSource,
    loaders: createLoaders(dataSource),
    issuer,
    rateLimiter,
    rateLimitKey: rateLimitClientKey(base.viewer, headers),
  });

  return {
    apollo,
    issuer,
    routes,
    contextFor,
    context: async (request) => contextFor(await baseContext(request), request.headers),
    async start() {
      await apollo.start();
      relay.start();
      for (const consumer of consumers) await consumer.start();
      sweep = setInterval(() => void sweepOnce(), deps.sweepIntervalMs ?? 60_000);
      sweep.unref();
    },
    async stop() {
      if (sweep) clearInterval(sweep);
      for (const consumer of consumers) await consumer.stop();
      await relay.stop();
      await credentials?.close();
      await apollo.stop();
    },
  };
}
