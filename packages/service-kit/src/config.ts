import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_MAX_TOKEN_LIFETIME_S, MAX_CLOCK_SKEW_S } from '@iso20000/auth';
import { DEFAULT_DATABASE_TIMEOUTS, type DatabaseTimeouts } from './database';

/** A missing or bad environment variable, named, so a service fails at start with a useful message. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment against a zod shape and returns the typed result. */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const value = env[name];
        return value === undefined
          ? `${name} is required but not set (${issue.message})`
          : `${name}=${JSON.stringify(value)} is invalid: ${issue.message}`;
      }),
    );
  }
  return result.data;
}

const urlWithProtocol = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a URL starting with ${protocols.join(' or ')}//` },
  );

/** The servers of a cluster, comma-separated (connectNats tries each): every one a URL of those protocols. */
const urlsWithProtocol = (protocols: string[]) =>
  z.string().refine(
    (value) =>
      value.split(',').every((one) => {
        try {
          return protocols.includes(new URL(one.trim()).protocol);
        } catch {
          return false;
        }
      }),
    { message: `expected URLs starting with ${protocols.join(' or ')}//, comma-separated` },
  );

const timeoutMs = (fallback: number) => z.coerce.number().int().min(0).max(3_600_000).default(fallback);

export const nodeEnv = z.enum(['development', 'test', 'production']).default('development');

/** What every subgraph needs; services extend it with their own variables. */
export const baseServiceConfig = {
  NODE_ENV: nodeEnv,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORT: z.coerce.number().int().min(0).max(65535),
  DATABASE_URL: urlWithProtocol(['postgres:', 'postgresql:']),
  /** The password of DATABASE_URL's role, from a file (a compose or cluster secret) instead of the URL. */
  DATABASE_PASSWORD_FILE: z.string().min(1).optional(),
  /** Prometheus metrics (GET /metrics) on this port, apart from the service's own; unset: none. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** PostgreSQL connections per process; unset: the service's own default (10, more for bulk writers). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).optional(),
  /** statement_timeout of every connection in ms (0: none); below GATEWAY_SUBGRAPH_TIMEOUT_MS. */
  DATABASE_STATEMENT_TIMEOUT_MS: timeoutMs(DEFAULT_DATABASE_TIMEOUTS.statementMs),
  /** lock_timeout: how long a statement waits for a lock before failing, retryable. */
  DATABASE_LOCK_TIMEOUT_MS: timeoutMs(DEFAULT_DATABASE_TIMEOUTS.lockMs),
  /** idle_in_transaction_session_timeout: a transaction left open loses its connection and locks. */
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: timeoutMs(DEFAULT_DATABASE_TIMEOUTS.idleInTransactionMs),
  /** Opening a connection, or waiting for one from the full pool. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1)
    .max(600_000)
    .default(DEFAULT_DATABASE_TIMEOUTS.connectMs),
  /** One NATS server, or every node of a cluster, comma-separated. */
  NATS_URL: urlsWithProtocol(['nats:', 'tls:']).default('nats://127.0.0.1:4222'),
  /** Prefix for stream names and subjects, so test runs and dev stacks never see each other's events. */
  EVENTS_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9_]+$/, 'lower-case letters, digits and _ only')
    .optional(),
  /**
   * How old the proof that a replicated permission copy (RCB API keys, RCB and ATO status) holds
   * everything its stream holds may be before writes depending on it are refused with a retryable 503.
   */
  REPLICA_MAX_STALENESS_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  AUTH_DEV_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  AUTH_JWKS_URL: urlWithProtocol(['https:', 'http:']).optional(),
  AUTH_ISSUER: z.string().optional(),
  AUTH_AUDIENCE: z.string().optional(),
  /** Longest a token may be valid (exp - iat); longer-lived tokens, or ones without iat or exp, are refused. */
  AUTH_MAX_TOKEN_LIFETIME_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 60 * 60)
    .default(DEFAULT_MAX_TOKEN_LIFETIME_S),
  /** Clock skew tolerated on exp, nbf and iat, at most a minute. */
  AUTH_CLOCK_SKEW_S: z.coerce.number().int().min(0).max(MAX_CLOCK_SKEW_S).default(5),
  /** Address to listen on; unset: loopback outside production, every interface in production. */
  HOST: z.string().min(1).optional(),
  /**
   * Proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For names the client for
   * rate limits: the gateway's. Unset: loopback outside production (a local gateway), nobody in production.
   */
  SERVICE_TRUSTED_PROXIES: z.string().optional(),
  /** Budget of public lookups (certificate and certification verification) per client. */
  VERIFY_RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(30),
  VERIFY_RATE_LIMIT_PER_MINUTE: z.coerce.number().positive().default(30),
};

export type BaseServiceConfig = z.infer<z.ZodObject<typeof baseServiceConfig>>;

/** Where a service listens: HOST, else loopback in development and tests, every interface in production. */
export function listenAddressOf(config: Pick<BaseServiceConfig, 'HOST' | 'NODE_ENV'>): string {
  return config.HOST ?? (config.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1');
}

/** SERVICE_TRUSTED_PROXIES, else loopback outside production (the local gateway) and nobody in production. */
export function trustedProxiesSpecOf(
  config: Pick<BaseServiceConfig, 'SERVICE_TRUSTED_PROXIES' | 'NODE_ENV'>,
): string {
  return config.SERVICE_TRUSTED_PROXIES ?? (config.NODE_ENV === 'production' ? '' : '127.0.0.1,::1');
}

/** Production must verify tokens against a JWKS; a dev secret alone is only for development and tests. */
export function assertAuthConfigured(config: BaseServiceConfig): void {
  if (config.NODE_ENV === 'production') {
    // Without an issuer and audience, any token the IdP signs for any other application would do.
    const missing = (['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'] as const).filter(
      (name) => !config[name],
    );
    if (missing.length > 0) {
      throw new ConfigError(missing.map((name) => `${name} is required when NODE_ENV=production`));
    }
  }
  if (config.NODE_ENV !== 'production' && !config.AUTH_DEV_SECRET && !config.AUTH_JWKS_URL) {
    throw new ConfigError(['AUTH_DEV_SECRET (or AUTH_JWKS_URL) is required to verify tokens']);
  }
}

/** The pool's time limits from the DATABASE_*_TIMEOUT_MS variables. */
export function databaseTimeoutsOf(config: BaseServiceConfig): DatabaseTimeouts {
  return {
    statementMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    lockMs: config.DATABASE_LOCK_TIMEOUT_MS,
    idleInTransactionMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    connectMs: config.DATABASE_CONNECT_TIMEOUT_MS,
  };
}

/** DATABASE_URL with the password read from DATABASE_PASSWORD_FILE when that is set. */
export function databaseUrlOf(
  config: Pick<BaseServiceConfig, 'DATABASE_URL' | 'DATABASE_PASSWORD_FILE'>,
): string {
  if (!config.DATABASE_PASSWORD_FILE) return config.DATABASE_URL;
  const url = new URL(config.DATABASE_URL);
  url.password = encodeURIComponent(readFileSync(config.DATABASE_PASSWORD_FILE, 'utf8').trim());
  return url.toString();
}
