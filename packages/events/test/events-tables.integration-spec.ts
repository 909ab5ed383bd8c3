import { eventsEntities, eventsMigrations } from '../src';
import { createTestDatabase, type TestDatabase } from '@iso20000/testing';

describe('the events tables (eventsMigrations)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('events', {
      entities: eventsEntities,
      migrations: eventsMigrations,
    });
  });
  afterAll(() => db?.dispose());

  it('creates exactly what the entities describe: no schema drift', async () => {
    const pending = await db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('indexes only pending outbox rows', async () => {
    const [index] = (await db.dataSource.query(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'outbox_event' AND indexname = 'outbox_event_pending_idx'`,
    )) as { indexdef: string }[];
    expect(index.indexdef).toMatch(/WHERE \(published_at IS NULL\)/);
  });

  it('reverts cleanly', async () => {
    for (const _ of eventsMigrations) await db.dataSource.undoLastMigration();
    const tables = (await db.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_name IN ('outbox_event', 'inbox_event', 'dead_letter_event', 'scheduled_job_tick')`,
    )) as unknown[];
    expect(tables).toEqual([]);
    await db.dataSource.runMigrations();
  });
});
