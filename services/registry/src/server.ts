import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assembleService,
  idleRateLimitBucketsSweep,
  PostgresRateLimiter,
  rateLimitClientKey,
  type AssembledService,
  type Authenticates,
  type BuiltService,
  type BaseContext,
  type Logger,
} from '@iso20000/service-kit';
import { parse } from 'graphql';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import type { RegistryServiceConfig } from './config';
import type { RegistrySettings, ServiceContext } from './context';
import { loadRegistryIssuer } from './credentials/registry-issuer';
import { todayUtc } from './domain/calendar-date';
import { createRcbStatusConsumer, createRcbStatusFreshness } from './events/rcb-status.consumer';
import { certificationExpiryJob } from './jobs/certification-expiry.job';
import { certificationFlagsJob } from './jobs/certification-flags.job';
import { certificationUploadJob } from './jobs/certification-upload.job';
import { transferCompletionJob } from './jobs/transfer-completion.job';
import { createLoaders } from './loaders';
import {
  UPLOAD_RESULT_FILE_PATH,
  UPLOAD_RESULT_FILE_ROUTE,
  uploadResultFileHandler,
} from './queries/upload-result-file';
import { resolvers } from './resolvers';

export const typeDefs = parse(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));

export interface RegistryServiceDeps {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  config: RegistryServiceConfig;
  /** Tests may pass their own; otherwise JWTs + RCB credentials replicated from accreditation's events. */
  authenticator?: Authenticates;
  /** The registry's clock (tests move it); defaults to the system clock. */
  clock?: () => Date;
}

/** The assembled subgraph, and the upload result file it serves over plain HTTP. */
export type RegistryService = AssembledService<ServiceContext> &
  Required<Pick<BuiltService<ServiceContext>, 'handler' | 'handlerRoute'>>;

export async function buildService(deps: RegistryServiceDeps): Promise<RegistryService> {
  const { dataSource, nc, logger, config } = deps;
  const clock = deps.clock ?? (() => new Date());
  const namespace = deps.namespace ?? config.EVENTS_NAMESPACE;
  const verificationBudget = new PostgresRateLimiter(dataSource, {
    name: 'verification',
    burst: config.VERIFY_RATE_LIMIT_BURST,
    perMinute: config.VERIFY_RATE_LIMIT_PER_MINUTE,
  });
  const rcbStatusCopy = createRcbStatusFreshness({
    nc,
    namespace,
    logger,
    maxStalenessMs: config.REPLICA_MAX_STALENESS_MS,
  });
  const issuer = await loadRegistryIssuer(dataSource, config, logger);
  const settings: RegistrySettings = {
    transferObjectionDays: config.REGISTRY_TRANSFER_OBJECTION_DAYS,
    transferCodeValidDays: config.REGISTRY_TRANSFER_CODE_VALID_DAYS,
    staleAfterDays: config.REGISTRY_STALENESS_DAYS,
  };
  const service = await assembleService<ServiceContext>({
    ...deps,
    namespace,
    name: 'registry',
    typeDefs,
    resolvers,
    uniqueViolations: {
      uq_organization_certification_number:
        'your RCB already has a certification with this certificate number',
      uq_certification_transfer_open: 'a transfer of this certification is already open: one at a time',
    },
    contextFor: (base: BaseContext): ServiceContext => {
      const now = clock();
      return {
        ...base,
        dataSource,
        loaders: createLoaders(dataSource),
        today: todayUtc(now),
        now,
        settings,
        verificationBudget,
        rateLimitKey: rateLimitClientKey(base.viewer, base.clientAddress),
        rcbStatusCopy,
        issuer,
      };
    },
    // The RCB status consumer, then the expiry job (a certification past its expiry expires by itself).
    workers: () => [
      createRcbStatusConsumer({ dataSource, nc, namespace, logger }),
      rcbStatusCopy,
      certificationExpiryJob({ dataSource, logger, intervalMs: config.REGISTRY_EXPIRY_INTERVAL_MS, clock }),
      certificationFlagsJob({ dataSource, logger, intervalMs: config.REGISTRY_FLAGS_INTERVAL_MS, clock }),
      certificationUploadJob({
        dataSource,
        logger,
        rcbStatusCopy,
        intervalMs: config.REGISTRY_UPLOAD_INTERVAL_MS,
        clock,
      }),
      transferCompletionJob({
        dataSource,
        logger,
        rcbStatusCopy,
        intervalMs: config.REGISTRY_TRANSFER_INTERVAL_MS,
        clock,
      }),
      idleRateLimitBucketsSweep(dataSource, logger),
    ],
  });
  const resultFile = uploadResultFileHandler({ dataSource, context: service.context, logger });
  return {
    ...service,
    handler: resultFile,
    handlerRoute: (path) => (UPLOAD_RESULT_FILE_PATH.test(path) ? UPLOAD_RESULT_FILE_ROUTE : undefined),
  };
}
