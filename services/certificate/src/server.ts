import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assembleService,
  type AssembledService,
  type Authenticates,
  type BackgroundWorker,
  type BaseContext,
  type IncomingGraphQLRequest,
  type Logger,
} from '@iso20000/service-kit';
import type { OutboxRelay } from '@iso20000/events';
import { parse } from 'graphql';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import type { z } from 'zod';
import type { certificateConfigShape } from './config';
import type { ServiceContext } from './context';
import { publicUrls } from './credentials/credential-documents';
import { loadSigningKey, type CertificateIssuer } from './credentials/issuer';
import { jwksOf } from './credentials/signing-key';
import { parseHolidayList } from './domain/business-days';
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
  /** The variables as loaded (loadCertificateConfig's result fits too; holidays are parsed here). */
  config: z.infer<z.ZodObject<typeof certificateConfigShape>>;
  /** Tests may pass their own; otherwise JWTs + RCB credentials replicated from accreditation. */
  authenticator?: Authenticates;
  /** How often certificates left pending are retried and idle rate-limit buckets forgotten (default 60 s). */
  sweepIntervalMs?: number;
}

export interface CertificateService extends AssembledService<ServiceContext> {
  issuer: CertificateIssuer;
  /** Extra GET routes for serveHttp: the JWKS and the status lists, where relying parties expect them. */
  routes: Record<string, () => Promise<unknown>>;
}

/** Apollo, the outbox relay, the event consumers and the pending-issuance sweep. */
export async function buildService(deps: CertificateServiceDeps): Promise<CertificateService> {
  const { dataSource, nc, logger, config } = deps;
  const namespace = deps.namespace ?? config.EVENTS_NAMESPACE;
  const issuer: CertificateIssuer = {
    key: await loadSigningKey(
      dataSource,
      { configuredKey: config.CERTIFICATE_SIGNING_KEY, production: config.NODE_ENV === 'production' },
      logger,
    ),
    profile: { baseUrl: config.CERTIFICATE_PUBLIC_BASE_URL, name: config.CERTIFICATE_ISSUER_NAME },
    calendar: { holidays: parseHolidayList(config.CERTIFICATE_PUBLIC_HOLIDAYS) },
  };
  const rateLimiter = new PostgresRateLimiter(dataSource, {
    burst: config.VERIFY_RATE_LIMIT_BURST,
    perMinute: config.VERIFY_RATE_LIMIT_PER_MINUTE,
  });
  // The rate-limit key needs the forwarded client address, which only the HTTP request carries.
  const contextFor = (base: BaseContext, request?: IncomingGraphQLRequest): ServiceContext => ({
    ...base,
    dataSource,
    loaders: createLoaders(dataSource),
    issuer,
    rateLimiter,
    rateLimitKey: rateLimitClientKey(base.viewer, request?.headers ?? {}),
  });

  const assembled = await assembleService<ServiceContext>({
    ...deps,
    name: 'certificate',
    typeDefs,
    resolvers,
    contextFor,
    workers: (relay) => [
      ...createCertificateConsumers({ dataSource, nc, namespace, logger, issuer }),
      pendingIssuanceSweep({
        dataSource,
        issuer,
        rateLimiter,
        logger,
        relay,
        intervalMs: deps.sweepIntervalMs,
      }),
    ],
  });

  // Routes at the paths the credentials name (publicUrls), relative to this service.
  const urls = publicUrls(issuer.profile);
  const routes: Record<string, () => Promise<unknown>> = {
    [new URL(urls.jwks).pathname]: async () => jwksOf(issuer.key),
    // serveHttp sends JSON: the status list's compact JWS goes out as a JSON string.
    [new URL(urls.statusList(1)).pathname]: async () => (await signedStatusList(dataSource, issuer, 1)).jwt,
  };

  return {
    ...assembled,
    issuer,
    routes,
  };
}

/** Retries certificates left pending and forgets idle rate-limit buckets, on a timer. */
function pendingIssuanceSweep(deps: {
  dataSource: DataSource;
  issuer: CertificateIssuer;
  rateLimiter: PostgresRateLimiter;
  logger: Logger;
  relay: OutboxRelay;
  intervalMs?: number;
}): BackgroundWorker {
  const { dataSource, issuer, rateLimiter, logger, relay } = deps;
  let sweep: NodeJS.Timeout | null = null;
  const sweepOnce = async () => {
    await issueStillPendingCertificates(dataSource, issuer, logger);
    await rateLimiter
      .forgetIdleClients()
      .catch((err: unknown) => logger.warn({ err }, 'could not forget idle rate-limit buckets'));
    relay.kick();
  };
  return {
    start() {
      sweep = setInterval(() => void sweepOnce(), deps.intervalMs ?? 60_000);
      sweep.unref();
    },
    async stop() {
      if (sweep) clearInterval(sweep);
      sweep = null;
    },
  };
}
