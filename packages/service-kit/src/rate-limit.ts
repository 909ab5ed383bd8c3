import type { Viewer } from '@iso20000/auth';
import {
  Column,
  Entity,
  PrimaryColumn,
  type DataSource,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';
import { IntervalWorker } from './interval-worker';
import type { Logger } from './logger';
import { refuse, type DomainRefusal } from './refusal';

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * One client's bucket of one budget (e.g. `verification`, `application`), kept as its "theoretical
 * arrival time" (GCRA): one atomic statement both checks and takes a token.
 */
@Entity({ name: 'rate_limit_bucket' })
export class RateLimitBucketEntity {
  @PrimaryColumn({ type: 'text', name: 'budget', primaryKeyConstraintName: 'PK_rate_limit_bucket' })
  budget!: string;

  @PrimaryColumn({ type: 'text', name: 'client_key', primaryKeyConstraintName: 'PK_rate_limit_bucket' })
  clientKey!: string;

  /** When the bucket would be full again if no more requests came; a full bucket is any time in the past. */
  @Column({ type: 'timestamp with time zone', name: 'theoretical_arrival_at' })
  theoreticalArrivalAt!: Date;
}

/** The buckets' table, in each service's own database (listed in its migrations like the events tables). */
export class RateLimitBuckets1764700000000 implements MigrationInterface {
  name = 'RateLimitBuckets1764700000000';

  async up(q: QueryRunner): Promise<void> {
    // UNLOGGED: buckets are worth no WAL; after a crash they simply start full again.
    await q.query(
      `CREATE UNLOGGED TABLE "rate_limit_bucket" ("budget" text NOT NULL, "client_key" text NOT NULL, "theoretical_arrival_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_rate_limit_bucket" PRIMARY KEY ("budget", "client_key"))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "rate_limit_bucket"`);
  }
}

export const rateLimitEntities = [RateLimitBucketEntity];
export const rateLimitMigrations = [RateLimitBuckets1764700000000];

export interface RateLimitBudget {
  /** The budget's name: clients spend each budget separately. */
  name: string;
  /** Requests a client may make at once. */
  burst: number;
  /** Requests a client regains per minute. */
  perMinute: number;
}

/**
 * A token bucket per client, kept in PostgreSQL rather than in process memory: the limit must hold
 * however many instances of the service run, and an attacker enumerating numbers must not get a
 * fresh budget per instance or per restart. A refused request changes nothing.
 */
export class PostgresRateLimiter {
  private readonly emissionIntervalSeconds: number;
  private readonly toleranceSeconds: number;

  constructor(
    private readonly dataSource: DataSource,
    readonly budget: RateLimitBudget,
  ) {
    this.emissionIntervalSeconds = 60 / budget.perMinute;
    this.toleranceSeconds = (budget.burst - 1) * this.emissionIntervalSeconds;
  }

  async take(clientKey: string): Promise<RateLimitDecision> {
    const taken = (await this.dataSource.query(
      `INSERT INTO "rate_limit_bucket" AS b ("budget", "client_key", "theoretical_arrival_at")
       VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT ("budget", "client_key") DO UPDATE
         SET "theoretical_arrival_at" = GREATEST(b."theoretical_arrival_at", now()) + make_interval(secs => $3)
         WHERE GREATEST(b."theoretical_arrival_at", now()) - now() <= make_interval(secs => $4)
       RETURNING 1`,
      [this.budget.name, clientKey, this.emissionIntervalSeconds, this.toleranceSeconds],
    )) as unknown[];
    if (taken.length > 0) return { allowed: true };
    const [row] = (await this.dataSource.query(
      `SELECT EXTRACT(EPOCH FROM ("theoretical_arrival_at" - now()))::float8 AS "ahead"
       FROM "rate_limit_bucket" WHERE "budget" = $1 AND "client_key" = $2`,
      [this.budget.name, clientKey],
    )) as { ahead: number }[];
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((row?.ahead ?? 0) - this.toleranceSeconds)),
    };
  }

  /**
   * Takes a token or refuses with RATE_LIMITED (`retryAfterSeconds` in the details; the subgraph
   * answers HTTP 429 with Retry-After). `what` names the requests in the message, e.g. "verifications".
   */
  async spend(clientKey: string, what: string): Promise<void> {
    const decision = await this.take(clientKey);
    if (!decision.allowed) throw rateLimitRefusal(what, decision.retryAfterSeconds);
  }

  /** Forgets buckets that have been full for an hour. */
  async forgetIdleClients(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM "rate_limit_bucket" WHERE "budget" = $1 AND "theoretical_arrival_at" < now() - interval '1 hour'`,
      [this.budget.name],
    );
  }
}

export function rateLimitRefusal(what: string, retryAfterSeconds: number): DomainRefusal {
  return refuse.rateLimited(`Too many ${what} from this client; try again in ${retryAfterSeconds} seconds.`, {
    retryAfterSeconds,
  });
}

/**
 * Whose budget a request spends: the signed-in viewer, else the client's address (the
 * connection's, or the one a trusted proxy forwarded: see TrustedProxies), else one shared
 * anonymous bucket.
 */
export function rateLimitClientKey(viewer: Viewer, clientAddress: string | undefined): string {
  if (viewer.subject) return `subject:${viewer.subject}`;
  return clientAddress ? `ip:${clientAddress}` : 'anonymous';
}

/** Forgets every budget's buckets that have been full for an hour, every ten minutes (once across replicas). */
export function idleRateLimitBucketsSweep(dataSource: DataSource, logger: Logger): IntervalWorker {
  return new IntervalWorker({
    name: 'rate-limit-idle-buckets',
    intervalMs: 10 * 60_000,
    logger,
    dataSource,
    runAtStart: false,
    run: () =>
      dataSource.query(
        `DELETE FROM "rate_limit_bucket" WHERE "theoretical_arrival_at" < now() - interval '1 hour'`,
      ),
  });
}
