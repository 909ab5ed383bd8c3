import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { eventsEntities, eventsMigrations } from '@iso20000/events';
import { testServerUrl } from '@iso20000/testing';
import { createLogger, openDataSource } from '../src';

// Two replicas of a service starting at the same moment on a database nobody has migrated yet.

const logger = createLogger('concurrent-migrations-test', 'silent');

describe('replicas starting together', () => {
  const name = `migrate_race_${randomBytes(4).toString('hex')}`;
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;

  afterAll(async () => {
    const admin = new Client({ connectionString: new URL('/postgres', testServerUrl()).toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('migrate once between them: both start, each migration applied once', async () => {
    const options = { url: url.toString(), entities: eventsEntities, migrations: eventsMigrations, logger };
    const started = await Promise.allSettled([
      openDataSource(options),
      openDataSource(options),
      openDataSource(options),
    ]);
    const failures = started.filter((s) => s.status === 'rejected').map((s) => String(s.reason));
    expect(failures).toEqual([]);
    const [first] = started as PromiseFulfilledResult<Awaited<ReturnType<typeof openDataSource>>>[];
    const applied = (await first.value.query(`SELECT name FROM migrations ORDER BY id`)) as {
      name: string;
    }[];
    expect(applied.map((m) => m.name)).toEqual(eventsMigrations.map((m) => m.name));
    for (const s of started) if (s.status === 'fulfilled') await s.value.destroy();
  });
});
