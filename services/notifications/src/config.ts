import { DEFAULT_PORTS } from '@iso20000/topology';
import { baseServiceConfig, loadConfig } from '@iso20000/service-kit';
import { z } from 'zod';
import { AllowedHosts } from './domain/outbound-address';
import {
  DEFAULT_RETRY_DELAYS_MS,
  MIN_RETRY_SPAN_MS,
  parseRetryDelays,
  retrySpanMs,
} from './domain/retry-schedule';

const retryDelays = z
  .string()
  .optional()
  .refine(
    (value) => {
      if (value === undefined) return true;
      try {
        parseRetryDelays(value);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'comma-separated whole milliseconds, e.g. 5000,30000,120000' },
  );

export const notificationsConfigShape = {
  ...baseServiceConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORTS.notifications),
  /**
   * 32 bytes, base64: the key endpoints' signing secrets are encrypted with (AES-256-GCM). Required
   * in production; development uses a fixed key and says so.
   */
  WEBHOOK_SECRET_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, { message: '32 bytes in base64' })
    .optional(),
  /** Hosts (names or addresses) webhooks may reach even when private or loopback: tests and local receivers only. */
  WEBHOOK_ALLOWED_HOSTS: z.string().optional(),
  /** Delays between attempts, in ms (default: 13 attempts over about 77 hours). */
  WEBHOOK_RETRY_DELAYS_MS: retryDelays,
  /** One attempt's limit: connect, send and the answer's status line. */
  WEBHOOK_ATTEMPT_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Deliveries in flight per process, over all endpoints. */
  WEBHOOK_WORKER_CONCURRENCY: z.coerce.number().int().positive().max(1000).default(32),
  /** How often the worker looks for due deliveries (it is also woken when an event arrives). */
  WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
  /** An attempt's claim: past it, another replica takes the delivery over (a crashed worker). */
  WEBHOOK_CLAIM_LEASE_MS: z.coerce.number().int().positive().default(60_000),
  /** Kept events (for replays) and finished deliveries are forgotten after this many days. */
  WEBHOOK_RETENTION_DAYS: z.coerce.number().int().positive().default(30),
};

export type NotificationsConfig = z.infer<z.ZodObject<typeof notificationsConfigShape>>;

export function loadNotificationsConfig(env: NodeJS.ProcessEnv = process.env): NotificationsConfig {
  return loadConfig(notificationsConfigShape, env);
}

/** A key every development machine shares: secrets it encrypts are as good as plain text, which is fine there. */
const DEVELOPMENT_SECRET_KEY = Buffer.from('iso20000-notifications-dev-key!!', 'utf8');

export interface DeliverySettings {
  secretKey: Buffer;
  allowedHosts: AllowedHosts;
  httpsOnly: boolean;
  retryDelaysMs: readonly number[];
  attemptTimeoutMs: number;
  concurrency: number;
  pollIntervalMs: number;
  claimLeaseMs: number;
  retentionDays: number;
}

/** The delivery rules from the configuration; production refuses a missing key or a short schedule. */
export function deliverySettingsOf(config: NotificationsConfig): DeliverySettings {
  const production = config.NODE_ENV === 'production';
  if (production && !config.WEBHOOK_SECRET_KEY)
    throw new Error('WEBHOOK_SECRET_KEY is required in production (32 random bytes, base64)');
  const retryDelaysMs = config.WEBHOOK_RETRY_DELAYS_MS
    ? parseRetryDelays(config.WEBHOOK_RETRY_DELAYS_MS)
    : DEFAULT_RETRY_DELAYS_MS;
  if (production && retrySpanMs(retryDelaysMs) < MIN_RETRY_SPAN_MS)
    throw new Error('WEBHOOK_RETRY_DELAYS_MS must add up to at least 72 hours in production');
  return {
    secretKey: config.WEBHOOK_SECRET_KEY
      ? Buffer.from(config.WEBHOOK_SECRET_KEY, 'base64')
      : DEVELOPMENT_SECRET_KEY,
    allowedHosts: new AllowedHosts(config.WEBHOOK_ALLOWED_HOSTS),
    httpsOnly: production,
    retryDelaysMs,
    attemptTimeoutMs: config.WEBHOOK_ATTEMPT_TIMEOUT_MS,
    concurrency: config.WEBHOOK_WORKER_CONCURRENCY,
    pollIntervalMs: config.WEBHOOK_POLL_INTERVAL_MS,
    claimLeaseMs: config.WEBHOOK_CLAIM_LEASE_MS,
    retentionDays: config.WEBHOOK_RETENTION_DAYS,
  };
}
