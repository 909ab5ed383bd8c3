import { hostname } from 'node:os';
import type { DataSource } from 'typeorm';
import type { BackgroundWorker } from './assemble-service';
import type { Logger } from './logger';

export interface IntervalWorkerOptions {
  /** Shown in logs, e.g. `certification-expiry`; with a data source also the job's key in the tick ledger. */
  name: string;
  intervalMs: number;
  logger: Logger;
  /** One pass of the job; what it returns is logged at debug level (and kept in the tick ledger). */
  run: () => Promise<unknown>;
  /** Run a pass at start, before the first interval (default true). */
  runAtStart?: boolean;
  /**
   * The database the service's replicas share. With it the job runs once per tick across all of them:
   * a tick is one interval of the database's clock (`floor(epoch ms / intervalMs)`); the replica that
   * takes the job's lease (a PostgreSQL advisory lock) claims the tick in `scheduled_job_tick`, runs the
   * pass and marks it done, and every other replica finds it done and skips. A runner that dies or fails
   * mid-pass leaves the tick unfinished and frees the lease, so another replica runs it again within the
   * same tick. Without it, every process runs every pass (a job on state of the process's own).
   */
  dataSource?: DataSource;
}

/** What one call of a pass came to (runNow answers it). */
export type PassOutcome =
  | { outcome: 'ran'; tick?: string; attempt?: number; result: unknown }
  | { outcome: 'failed'; tick?: string; error: unknown }
  /** Another replica holds the lease: its pass is running now. */
  | { outcome: 'busy' }
  /** This tick's pass has already been done (by this replica or another). */
  | { outcome: 'done-already'; tick: string };

// Two-key advisory locks: a space of their own, apart from the outbox relay's one-key lock.
const LEASE_SPACE = 'iso20000.scheduled_job';
const RUNNER = `${hostname()}:${process.pid}`;
/** A replica that found the lease taken looks again this soon (at most), in case its holder died. */
const MAX_RECHECK_MS = 5_000;
/** The longest run of missed ticks recorded as caught up (a job off for a month leaves a gap, not 40,000 rows). */
const MAX_TICKS_FILLED = 1_000;

/**
 * Runs a job every interval, never two passes at once: a pass still running when the next tick
 * comes is not doubled (a slow pass over thousands of rows must not pile up), a failed pass is
 * logged and tried again, and stop() waits for the running pass to finish. With `dataSource`, once
 * per tick across every replica (see IntervalWorkerOptions.dataSource).
 */
export class IntervalWorker implements BackgroundWorker {
  private timer: NodeJS.Timeout | null = null;
  private recheck: NodeJS.Timeout | null = null;
  private running: Promise<PassOutcome> | null = null;
  private started = false;

  constructor(private readonly options: IntervalWorkerOptions) {
    if (!(options.intervalMs > 0)) throw new Error(`${options.name}: intervalMs must be positive`);
  }

  get name(): string {
    return this.options.name;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.options.dataSource) this.scheduleNextTick();
    else {
      this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
      // a job timer alone must not keep a process (or a test) alive
      this.timer.unref();
    }
    if (this.options.runAtStart ?? true) void this.tick();
  }

  /** Runs a pass now (once per tick with a data source), or waits for the one already running. */
  runNow(): Promise<PassOutcome> {
    return this.tick();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.recheck) clearTimeout(this.recheck);
    this.timer = null;
    this.recheck = null;
    await this.running;
  }

  /**
   * Replicas fire just after each tick begins (a little jitter apart), so every tick gets its pass
   * early, whatever the timers' drift; the lease decides which of them runs it.
   */
  private scheduleNextTick(): void {
    if (!this.started) return;
    const { intervalMs } = this.options;
    const jitter = Math.random() * Math.min(intervalMs / 10, 2_000);
    const delay = intervalMs - (Date.now() % intervalMs) + jitter;
    this.timer = setTimeout(() => {
      void this.tick();
      this.scheduleNextTick();
    }, delay);
    this.timer.unref();
  }

  private tick(): Promise<PassOutcome> {
    if (this.running) return this.running;
    const { name, logger } = this.options;
    this.running = this.pass()
      .then((outcome) => {
        if (outcome.outcome === 'failed')
          logger.error(
            { err: outcome.error, worker: name, tick: outcome.tick },
            'interval job pass failed; retried',
          );
        else logger.debug({ worker: name, ...outcome }, 'interval job pass');
        if (outcome.outcome === 'busy' || outcome.outcome === 'failed') this.recheckSoon();
        return outcome;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /** The lease was taken, or the pass failed: look again within the tick rather than wait a whole one. */
  private recheckSoon(): void {
    if (!this.started || !this.options.dataSource || this.recheck) return;
    const delay = Math.min(this.options.intervalMs / 4, MAX_RECHECK_MS);
    this.recheck = setTimeout(() => {
      this.recheck = null;
      void this.tick();
    }, delay);
    this.recheck.unref();
  }

  private async pass(): Promise<PassOutcome> {
    const { dataSource, run } = this.options;
    if (!dataSource) {
      try {
        return { outcome: 'ran', result: await run() };
      } catch (error) {
        return { outcome: 'failed', error };
      }
    }
    // The lease is a session lock on a connection of its own, held while the pass runs: a pass may
    // take longer than a transaction may stay idle, and a runner that dies drops it with its connection.
    const lease = dataSource.createQueryRunner();
    try {
      await lease.connect();
      const [{ locked }] = (await lease.query(
        `SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS "locked"`,
        [LEASE_SPACE, this.options.name],
      )) as { locked: boolean }[];
      if (!locked) return { outcome: 'busy' };
      try {
        return await this.passHoldingLease(lease.query.bind(lease));
      } finally {
        await lease
          .query(`SELECT pg_advisory_unlock(hashtext($1), hashtext($2))`, [LEASE_SPACE, this.options.name])
          .catch(() => undefined); // the connection is gone, and the lock with it
      }
    } catch (error) {
      return { outcome: 'failed', error };
    } finally {
      await lease.release().catch(() => undefined);
    }
  }

  private async passHoldingLease(
    query: (sql: string, params?: unknown[]) => Promise<unknown>,
  ): Promise<PassOutcome> {
    const { name, intervalMs, logger, run } = this.options;
    // The database's clock: replicas on different machines agree on the tick whatever their own skew.
    const [{ tick }] = (await query(
      `SELECT floor(extract(epoch from clock_timestamp()) * 1000 / $1)::bigint::text AS "tick"`,
      [intervalMs],
    )) as { tick: string }[];
    // Claims the tick unless it is done. Holding the lease, a row still 'running' is a dead runner's.
    const claimed = (await query(
      `INSERT INTO "scheduled_job_tick" ("job", "tick", "state", "attempts", "runner") VALUES ($1, $2, 'running', 1, $3) ` +
        `ON CONFLICT ("job", "tick") DO UPDATE SET "state" = 'running', "attempts" = "scheduled_job_tick"."attempts" + 1, ` +
        `"runner" = EXCLUDED."runner", "started_at" = now(), "finished_at" = NULL, "error" = NULL ` +
        `WHERE "scheduled_job_tick"."state" IN ('running', 'failed') RETURNING "attempts"`,
      [name, tick, RUNNER],
    )) as { attempts: number }[];
    if (claimed.length === 0) return { outcome: 'done-already', tick };
    const attempt = claimed[0].attempts;
    if (attempt > 1)
      logger.warn({ worker: name, tick, attempt }, 'interval job: running a tick left unfinished');
    let result: unknown;
    try {
      result = await run();
    } catch (error) {
      await query(
        `UPDATE "scheduled_job_tick" SET "state" = 'failed', "finished_at" = now(), "error" = $4 ` +
          `WHERE "job" = $1 AND "tick" = $2 AND "attempts" = $3`,
        [name, tick, attempt, error instanceof Error ? error.message : String(error)],
      );
      return { outcome: 'failed', tick, error };
    }
    // attempts is the fencing token: a runner that lost its lease mid-pass cannot mark the tick.
    await query(
      `UPDATE "scheduled_job_tick" SET "state" = 'done', "finished_at" = now(), "result" = $4::jsonb ` +
        `WHERE "job" = $1 AND "tick" = $2 AND "attempts" = $3`,
      [name, tick, attempt, JSON.stringify(result ?? null)],
    );
    // Earlier ticks nobody finished (every replica was down): this pass swept what they would have.
    await query(
      `UPDATE "scheduled_job_tick" SET "state" = 'caught_up', "finished_at" = now() ` +
        `WHERE "job" = $1 AND "tick" < $2 AND "state" IN ('running', 'failed')`,
      [name, tick],
    );
    // Ticks that passed with no replica able to claim them (every one down, or the database away):
    // recorded as caught up by this pass (attempts 0: none of their own), so the ledger has no holes.
    // A gap longer than MAX_TICKS_FILLED (the job was off for long) stays a visible gap.
    await query(
      `WITH "last" AS (SELECT max("tick") AS "tick" FROM "scheduled_job_tick" WHERE "job" = $1 AND "tick" < $2) ` +
        `INSERT INTO "scheduled_job_tick" ("job", "tick", "state", "attempts", "runner", "finished_at") ` +
        `SELECT $1, "missed", 'caught_up', 0, $3, now() ` +
        `FROM "last", generate_series("last"."tick" + 1, $2::bigint - 1) AS "missed" ` +
        `WHERE $2::bigint - "last"."tick" <= $4 ON CONFLICT DO NOTHING`,
      [name, tick, RUNNER, MAX_TICKS_FILLED],
    );
    return { outcome: 'ran', tick, attempt, result };
  }
}
