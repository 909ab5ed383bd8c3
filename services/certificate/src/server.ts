import { jwksOf } from '@iso20000/credentials';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assembleService,
  IntervalWorker,
  PostgresRateLimiter,
  rateLimitClientKey,
  type AssembledService,
  type Authenticates,
  type BaseContext,
  type Logger,
} from '@iso20000/service-kit';
import { parse } from 'graphql';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { issueStillPendingCertificates } from './commands/issue-pending-certificates';
import { businessCalendarOf, issuerProfileOf, type CertificateConfig } from './config';
import type { ServiceContext } from './context';
import { publicUrls } from './credentials/credential-documents';
import { loadSigningKey, type CertificateIssuer } from './credentials/issuer';
import { signedStatusList } from './credentials/status-lists';
import { createCertificateConsumers } from './events/certificate-consumers';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

export const typeDefs = parse(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));

export interface CertificateServiceDeps {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  config: CertificateConfig;
  /** Tests may pass their own; otherwise JWTs + RCB credentials replicated from accreditation. */
  authenticator?: Authenticates;
}

/** What the unique constraints mean to a client, should a write ever run into one. */
const uniqueViolations = {
  UQ_certificate_sitting: 'This sitting already has a certificate.',
  UQ_certificate_number: 'This certificate number is already taken; try again.',
  UQ_certificate_status_list_index: 'This status list entry is already taken; try again.',
  UQ_badge_certificate: 'The badge of this certificate is already claimed.',
};

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
    profile: issuerProfileOf(config),
    calendar: businessCalendarOf(config),
  };
  const verificationBudget = new PostgresRateLimiter(dataSource, {
    name: 'verification',
    burst: config.VERIFY_RATE_LIMIT_BURST,
    perMinute: config.VERIFY_RATE_LIMIT_PER_MINUTE,
  });
  const contextFor = (base: BaseContext): ServiceContext => ({
    ...base,
    dataSource,
    loaders: createLoaders(dataSource),
    issuer,
    verificationBudget,
    rateLimitKey: rateLimitClientKey(base.viewer, base.clientAddress),
  });

  const assembled = await assembleService<ServiceContext>({
    ...deps,
    name: 'certificate',
    typeDefs,
    resolvers,
    contextFor,
    uniqueViolations,
    workers: (relay) => [
      ...createCertificateConsumers({ dataSource, nc, namespace, logger, issuer }),
      // Retries certificates left pending and forgets idle rate-limit buckets.
      new IntervalWorker({
        name: 'certificate-pending-issuance',
        intervalMs: config.CERTIFICATE_SWEEP_INTERVAL_MS,
        logger,
        dataSource, // once per tick across replicas
        runAtStart: false,
        run: async () => {
          const issued = await issueStillPendingCertificates(dataSource, issuer, logger);
          await verificationBudget
            .forgetIdleClients()
            .catch((err: unknown) => logger.warn({ err }, 'could not forget idle rate-limit buckets'));
          relay.kick();
          return { issued };
        },
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
