import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Viewer } from '@iso20000/auth';
import type { Events, PayloadOf } from '@iso20000/events';
import { createLogger, TrustedProxies } from '@iso20000/service-kit';
import {
  eventually,
  executeOperation,
  startServiceHarness,
  type OperationResult,
  type ServiceHarness,
} from '@iso20000/testing';
import { loadCertificateConfig } from '../src/config';
import type { ServiceContext } from '../src/context';
import { entities, migrations } from '../src/data-source';
import { buildService, type CertificateService } from '../src/server';
import { recordReleasedPass } from '../src/commands/issue-certificate';
import type { CertificateEntity } from '../src/entities/certificate.entity';

export const logger = createLogger('certificate-test', 'silent');

// Per-project testTimeout is ignored when Jest runs several projects; these tests talk to PostgreSQL and NATS.
jest.setTimeout(30_000);

export interface CertificateHarness extends ServiceHarness<CertificateService> {
  /** Like `as`, with the HTTP headers the request would carry (the forwarded client address). */
  run<T = Record<string, unknown>>(
    viewer: Viewer,
    query: string,
    variables?: Record<string, unknown>,
    headers?: IncomingHttpHeaders,
  ): Promise<OperationResult<T>>;
  /** Issues a certificate directly (as the release consumer does), for API tests without NATS. */
  issue(overrides?: Partial<Release>): Promise<CertificateEntity>;
}

export type Release = PayloadOf<typeof Events.ExamSittingReleased>;

export function release(overrides: Partial<Release> = {}): Release {
  return {
    sittingId: randomUUID(),
    candidateId: randomUUID(),
    candidateName: 'Ada Lovelace',
    examCode: 'FOUNDATION',
    language: 'en',
    atoId: null,
    sessionId: randomUUID(),
    score: 30,
    maxScore: 40,
    percentage: 75,
    passed: true,
    trainerEligible: false,
    satOn: '2026-11-20',
    releasedAt: new Date().toISOString(),
    ...overrides,
  };
}

const gatewayOnLoopback = new TrustedProxies('127.0.0.1,::1');

export const testEnv = (url: string, extra: Record<string, string> = {}) => ({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  PORT: '0',
  DATABASE_URL: url,
  AUTH_DEV_SECRET: 'certificate-test-secret-0123456789abcdef',
  CERTIFICATE_PUBLIC_BASE_URL: 'https://certificates.example.org',
  CERTIFICATE_PUBLIC_HOLIDAYS: '2026-12-25,2026-12-28',
  VERIFY_RATE_LIMIT_BURST: '5',
  VERIFY_RATE_LIMIT_PER_MINUTE: '1',
  CERTIFICATE_SWEEP_INTERVAL_MS: '3600000',
  ...extra,
});

/** A fresh database, a private events namespace and the subgraph built as main.ts builds it. */
export async function startCertificateHarness(
  options: { startBackground?: boolean; env?: Record<string, string> } = {},
): Promise<CertificateHarness> {
  const background = options.startBackground === true;
  const h = await startServiceHarness<ServiceContext, CertificateService>({
    service: 'certificate',
    entities,
    migrations,
    start: background,
    build: ({ env, ...deps }) =>
      buildService({
        ...deps,
        config: loadCertificateConfig(testEnv(env.DATABASE_URL, options.env)),
        authenticator: { authenticate: async () => ({ role: 'public', subject: null }) },
      }),
  });
  const { db, service } = h;

  const run = async <T>(
    viewer: Viewer,
    query: string,
    variables?: Record<string, unknown>,
    headers?: IncomingHttpHeaders,
  ) =>
    executeOperation<ServiceContext, T>(
      service.apollo,
      { query, variables },
      // As the local gateway (a trusted proxy on loopback) would forward the client's address.
      service.contextFor({
        requestId: randomUUID(),
        viewer,
        logger,
        clientAddress: gatewayOnLoopback.clientAddress('127.0.0.1', headers?.['x-forwarded-for']),
      }),
    );
  return {
    ...h,
    run,
    async issue(overrides = {}) {
      const certificate = await db.dataSource.transaction((manager) =>
        recordReleasedPass(manager, release(overrides), service.issuer, logger),
      );
      if (!certificate) throw new Error('no certificate issued');
      return certificate;
    },
  };
}

/** eventually, for probes that answer null or false while not there yet. */
export function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  return eventually(async () => (await probe()) || undefined, timeoutMs, what);
}
