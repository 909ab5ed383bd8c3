import type { IncomingHttpHeaders } from 'node:http';
import type { Viewer } from '@iso20000/auth';
import type { DataSource } from 'typeorm';

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  take(clientKey: string): Promise<RateLimitDecision>;
}

/**
 * A token bucket per client (burst `burst`, refilled at `perMinute`), kept in PostgreSQL rather
 * than in process memory: the limit must hold however many instances of the service run, and an
 * attacker enumerating numbers must not get a fresh budget per instance or per restart.
 *
 * Stored as GCRA's "theoretical arrival time" (the token bucket in one timestamp): one atomic
 * upsert checks and takes a token, with no read-modify-write race; a refused request changes
 * nothing. The table is UNLOGGED: cheap writes, and losing it in a crash only refills the buckets.
 */
export class PostgresRateLimiter implements RateLimiter {
  private readonly emissionIntervalSeconds: number;
  private readonly toleranceSeconds: number;

  constructor(
    private readonly dataSource: DataSource,
    options: { burst: number; perMinute: number },
  ) {
    this.emissionIntervalSeconds = 60 / options.perMinute;
    this.toleranceSeconds = (options.burst - 1) * this.emissionIntervalSeconds;
  }

  async take(clientKey: string): Promise<RateLimitDecision> {
    const taken = (await this.dataSource.query(
      `INSERT INTO "verification_rate_limit" AS b ("client_key", "theoretical_arrival_at")
       VALUES ($1, now() + make_interval(secs => $2))
       ON CONFLICT ("client_key") DO UPDATE
         SET "theoretical_arrival_at" = GREATEST(b."theoretical_arrival_at", now()) + make_interval(secs => $2)
         WHERE GREATEST(b."theoretical_arrival_at", now()) - now() <= make_interval(secs => $3)
       RETURNING 1`,
      [clientKey, this.emissionIntervalSeconds, this.toleranceSeconds],
    )) as unknown[];
    if (taken.length > 0) return { allowed: true };
    const [row] = (await this.dataSource.query(
      `SELECT EXTRACT(EPOCH FROM ("theoretical_arrival_at" - now()))::float8 AS "ahead" FROM "verification_rate_limit" WHERE "client_key" = $1`,
      [clientKey],
    )) as { ahead: number }[];
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((row?.ahead ?? 0) - this.toleranceSeconds)),
    };
  }

  /** Forgets buckets that have been full for an hour. */
  async forgetIdleClients(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM "verification_rate_limit" WHERE "theoretical_arrival_at" < now() - interval '1 hour'`,
    );
  }
}

/**
 * Whose budget a verification spends: the signed-in viewer, else the client address the gateway
 * forwards (the last x-forwarded-for entry: the one our gateway wrote, not one a client made up),
 * else one shared anonymous bucket.
 */
export function rateLimitClientKey(viewer: Viewer, headers: IncomingHttpHeaders): string {
  if (viewer.subject) return `subject:${viewer.subject}`;
  const forwarded = headers['x-forwarded-for'];
  const value = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
  const ip = value
    ?.split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .pop();
  return ip ? `ip:${ip}` : 'anonymous';
}
