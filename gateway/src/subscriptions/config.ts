import { loadConfig } from '@iso20000/service-kit';
import { z } from 'zod';

const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(fallback)
    .transform((value) => value === 'true');

/** The subscription server's settings (gateway/README.md, "Subscriptions"). */
export const subscriptionConfigShape = {
  /** Serve GraphQL subscriptions over WebSocket on /graphql (on by default). */
  GATEWAY_SUBSCRIPTIONS: flag('true'),
  /** WebSocket connections one gateway process accepts; more are answered 503 at the upgrade. */
  GATEWAY_MAX_WS_CONNECTIONS: z.coerce.number().int().positive().default(10_000),
  /** Subscriptions one connection may hold at once; the next is refused with SUBSCRIPTION_LIMIT_EXCEEDED. */
  GATEWAY_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().positive().default(25),
  /** Largest WebSocket message a client may send (bytes); a larger one closes the connection (1009). */
  GATEWAY_MAX_WS_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  /** How often a connection's credential is verified again: a revoked API key is closed within this. */
  GATEWAY_SUBSCRIPTION_REVALIDATE_MS: z.coerce.number().int().positive().default(2_000),
  /** A subscriber whose changes are rare still gets its cursor brought forward this often. */
  GATEWAY_SUBSCRIPTION_PROGRESS_MS: z.coerce.number().int().positive().default(30_000),
  /** Subscriptions one client (its credential's subject, or its address) may start at once, then per minute. */
  GATEWAY_SUBSCRIBE_RATE_BURST: z.coerce.number().int().positive().default(60),
  GATEWAY_SUBSCRIBE_RATE_PER_MINUTE: z.coerce.number().int().positive().default(60),
  /** Live changes that may wait for one subscriber (replaying, or reading slowly) before it is ended. */
  GATEWAY_SUBSCRIPTION_BUFFER: z.coerce.number().int().positive().default(10_000),
};

export type SubscriptionConfig = ReturnType<typeof loadSubscriptionConfig>;
export const loadSubscriptionConfig = (env: NodeJS.ProcessEnv = process.env) =>
  loadConfig(subscriptionConfigShape, env);
