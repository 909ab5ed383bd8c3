import { eventsEntities, eventsMigrations } from '@iso20000/events';
import { createTestDatabase, eventually, sleep, type TestDatabase } from '@iso20000/testing';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { createLogger, IntervalWorker } from '../src';

// Two replicas of a service are two IntervalWorkers on one database (each its own pool, as two
// processes would have); the tick ledger and the lease are the real PostgreSQL ones.

const logger = createLogger('scheduled-job-test', 'silent');

interface Tick {
  tick: string;
  state: string;
  attempts: number;
}

describe('a scheduled job on two replicas', () => {
  let db: TestDatabase;
  let other: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('scheduledjobs', {
      entities: eventsEntities,
      migrations: eventsMigrations,
    });
    // the second replica's own connection pool on the same database
    other = new DataSource({ ...db.dataSource.options, migrations: [] } as DataSourceOptions);
    await other.initialize();
  });
  afterAll(async () => {
    await other?.destroy();
    await db?.dispose();
  });

  const ticksOf = async (job: string): Promise<Tick[]> =>
    (await db.dataSource.query(
      `SELECT tick::text AS tick, state, attempts FROM scheduled_job_tick WHERE job = $1 ORDER BY tick`,
      [job],
    )) as Tick[];

  it('runs each tick once across the replicas, none skipped', async () => {
    const passes: string[] = [];
    const replica = (dataSource: typeof other, who: string) =>
      new IntervalWorker({
        name: 'every-300ms',
        intervalMs: 300,
        logger,
        dataSource,
        run: async () => {
          passes.push(who);
          await sleep(20);
          return { who };
        },
      });
    const a = replica(db.dataSource, 'a');
    const b = replica(other, 'b');
    a.start();
    b.start();
    await sleep(2_600);
    await Promise.all([a.stop(), b.stop()]);

    const ticks = await ticksOf('every-300ms');
    expect(ticks.length).toBeGreaterThanOrEqual(6);
    // one pass per tick: as many passes as ticks, each done at its first attempt
    expect(passes).toHaveLength(ticks.length);
    expect(ticks.every((t) => t.state === 'done' && t.attempts === 1)).toBe(true);
    // consecutive tick numbers: no tick went without its pass
    const numbers = ticks.map((t) => Number(t.tick));
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0] + i));
  });

  it('lets a second replica wait while the first runs, and skip a tick the first has done', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let passes = 0;
    const job = (dataSource: typeof other) =>
      new IntervalWorker({
        name: 'hourly-busy',
        intervalMs: 3_600_000,
        logger,
        dataSource,
        run: async () => {
          passes += 1;
          await held;
        },
      });
    const a = job(db.dataSource);
    const b = job(other);
    const first = a.runNow();
    await eventually(async () => ((await ticksOf('hourly-busy')).length === 1 ? true : undefined));
    expect(await b.runNow()).toEqual({ outcome: 'busy' });
    release();
    expect((await first).outcome).toBe('ran');
    expect((await b.runNow()).outcome).toBe('done-already');
    expect(passes).toBe(1);
  });

  it('hands a tick whose runner died mid-pass to the other replica, within the same tick', async () => {
    let passes = 0;
    const never = new Promise<void>(() => undefined);
    const a = new IntervalWorker({
      name: 'hourly-handover',
      intervalMs: 3_600_000,
      logger,
      dataSource: db.dataSource,
      run: async () => {
        passes += 1;
        await never; // dies before it finishes
      },
    });
    void a.runNow();
    await eventually(async () => ((await ticksOf('hourly-handover')).length === 1 ? true : undefined));
    // The runner's process dies: PostgreSQL ends its session, and the lease with it.
    await db.dataSource.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND granted ` +
        `AND objid = hashtext('hourly-handover')::oid`,
    );
    const b = new IntervalWorker({
      name: 'hourly-handover',
      intervalMs: 3_600_000,
      logger,
      dataSource: other,
      run: async () => {
        passes += 1;
        return { handedOver: true };
      },
    });
    const outcome = await eventually(async () => {
      const result = await b.runNow();
      expect(result.outcome).toBe('ran');
      return result;
    });
    expect(outcome).toMatchObject({ outcome: 'ran', attempt: 2 });
    expect(await ticksOf('hourly-handover')).toEqual([
      expect.objectContaining({ state: 'done', attempts: 2 }),
    ]);
    expect(passes).toBe(2);
  });

  it('runs a failed pass again within its tick, and marks ticks nobody finished as caught up', async () => {
    await db.dataSource.query(
      `INSERT INTO scheduled_job_tick (job, tick, state, attempts, runner) VALUES ('hourly-retry', 1, 'running', 1, 'gone:1')`,
    );
    let calls = 0;
    const job = new IntervalWorker({
      name: 'hourly-retry',
      intervalMs: 3_600_000,
      logger,
      dataSource: db.dataSource,
      run: async () => {
        calls += 1;
        if (calls === 1) throw new Error('the database said no');
        return { calls };
      },
    });
    expect((await job.runNow()).outcome).toBe('failed');
    const [, failed] = await ticksOf('hourly-retry');
    expect(failed).toMatchObject({ state: 'failed', attempts: 1 });
    expect(await job.runNow()).toMatchObject({ outcome: 'ran', attempt: 2, result: { calls: 2 } });
    const [old, current] = await ticksOf('hourly-retry');
    expect(old).toMatchObject({ tick: '1', state: 'caught_up' });
    expect(current).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('records the ticks that passed with no replica to run them as caught up by the next pass', async () => {
    const [{ now }] = (await db.dataSource.query(
      `SELECT floor(extract(epoch from clock_timestamp()) * 1000 / 3600000)::bigint::text AS now`,
    )) as { now: string }[];
    const before = String(Number(now) - 3);
    await db.dataSource.query(
      `INSERT INTO scheduled_job_tick (job, tick, state, attempts, runner, finished_at) VALUES ('hourly-gap', $1, 'done', 1, 'a:1', now())`,
      [before],
    );
    const job = new IntervalWorker({
      name: 'hourly-gap',
      intervalMs: 3_600_000,
      logger,
      dataSource: db.dataSource,
      run: async () => ({ swept: true }),
    });
    expect((await job.runNow()).outcome).toBe('ran');
    const ticks = await ticksOf('hourly-gap');
    expect(ticks.map((t) => [Number(t.tick) - Number(before), t.state, t.attempts])).toEqual([
      [0, 'done', 1],
      [1, 'caught_up', 0],
      [2, 'caught_up', 0],
      [3, 'done', 1],
    ]);
  });
});
