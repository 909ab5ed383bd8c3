import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';

/**
 * A dependency's health: `ok`; `degraded` (reported, still ready: e.g. NATS reconnecting while the
 * outbox holds events); `failed` (not ready).
 */
export type CheckState = 'ok' | 'degraded' | 'failed';

export type ReadinessChecks = Record<string, () => Promise<CheckState>>;

export interface ReadinessReport {
  ready: boolean;
  /** Each dependency's state; `timeout` when it did not answer within the bound (not ready). */
  checks: Record<string, CheckState | 'timeout'>;
}

/** `/ready` must answer within a second even when a dependency hangs (an orchestrator's probe times out). */
export const READINESS_BOUND_MS = 800;

/** Runs the checks side by side; one that throws is `failed`, one that takes longer than `withinMs` is `timeout`. */
export async function checkReadiness(
  checks: ReadinessChecks,
  withinMs = READINESS_BOUND_MS,
): Promise<ReadinessReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const state = await within(
        check().catch((): CheckState => 'failed'),
        withinMs,
      );
      return [name, state ?? 'timeout'] as const;
    }),
  );
  const report = Object.fromEntries(entries);
  return {
    ready: entries.every(([, state]) => state === 'ok' || state === 'degraded'),
    checks: report,
  };
}

/** The value of `promise`, or undefined when it takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** PostgreSQL answers a trivial statement (a connection from the pool and a round trip). */
export function databaseCheck(dataSource: DataSource): () => Promise<CheckState> {
  return async () => {
    await dataSource.query('SELECT 1');
    return 'ok';
  };
}

/**
 * NATS: a closed connection (it gave up reconnecting) is `failed`; a connection that does not answer
 * a PING in time (the server is down, the client reconnecting) is `degraded`, because the outbox
 * keeps events until it is back and reads do not need it.
 */
export function natsCheck(nc: NatsConnection, withinMs = READINESS_BOUND_MS / 2): () => Promise<CheckState> {
  return async () => {
    if (nc.isClosed()) return 'failed';
    const answered = await within(
      nc.flush().then(
        () => true,
        () => false,
      ),
      withinMs,
    );
    return answered ? 'ok' : 'degraded';
  };
}
