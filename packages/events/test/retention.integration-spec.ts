import { randomUUID } from 'node:crypto';
import { eventsEntities, eventsMigrations, pruneEvents } from '../src';
import { createTestDatabase, type TestDatabase } from '@iso20000/testing';

describe('retention of the events tables (pruneEvents)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('retention', { entities: eventsEntities, migrations: eventsMigrations });
  });
  afterAll(() => db?.dispose());

  const outboxRow = (createdDaysAgo: number, publishedDaysAgo: number | null) =>
    db.dataSource.query(
      `INSERT INTO outbox_event (id, subject, version, payload, created_at, published_at)
       VALUES ($1, 'exam.sitting.released', 1, '{}'::jsonb, now() - $2 * interval '1 day',
               CASE WHEN $3::int IS NULL THEN NULL ELSE now() - $3::int * interval '1 day' END) RETURNING id`,
      [randomUUID(), createdDaysAgo, publishedDaysAgo],
    ) as Promise<{ id: string }[]>;
  const inboxRow = (daysAgo: number) =>
    db.dataSource.query(
      `INSERT INTO inbox_event (consumer, event_id, processed_at) VALUES ('c', $1, now() - $2 * interval '1 day') RETURNING event_id AS id`,
      [randomUUID(), daysAgo],
    ) as Promise<{ id: string }[]>;

  it('deletes published outbox rows and inbox rows past their age, never a pending outbox row', async () => {
    const [oldPublished] = await outboxRow(40, 39);
    const [recentPublished] = await outboxRow(5, 5);
    const [oldPending] = await outboxRow(90, null);
    const [oldInbox] = await inboxRow(32);
    const [recentInbox] = await inboxRow(20);

    const pruned = await pruneEvents(db.dataSource, { outboxRetentionDays: 30, inboxRetentionDays: 31 });
    expect(pruned).toMatchObject({ outbox: 1, inbox: 1 });

    const outbox = (await db.dataSource.query(`SELECT id FROM outbox_event`)) as { id: string }[];
    expect(outbox.map((r) => r.id).sort()).toEqual([recentPublished.id, oldPending.id].sort());
    expect(outbox.map((r) => r.id)).not.toContain(oldPublished.id);
    const inbox = (await db.dataSource.query(`SELECT event_id AS id FROM inbox_event`)) as { id: string }[];
    expect(inbox.map((r) => r.id)).toEqual([recentInbox.id]);
    expect(inbox.map((r) => r.id)).not.toContain(oldInbox.id);
  });

  it('deletes more rows than one batch holds', async () => {
    await db.dataSource.query(
      `INSERT INTO inbox_event (consumer, event_id, processed_at)
       SELECT 'bulk', gen_random_uuid(), now() - interval '60 days' FROM generate_series(1, 12000)`,
    );
    const pruned = await pruneEvents(db.dataSource, { outboxRetentionDays: 30, inboxRetentionDays: 31 });
    expect(pruned.inbox).toBe(12000);
  });

  it('finds what it prunes by index, not by reading the whole table', async () => {
    const plan = async (sql: string) =>
      db.dataSource.transaction(async (m) => {
        await m.query(`SET LOCAL enable_seqscan = off`);
        const rows = (await m.query(`EXPLAIN ${sql}`)) as { 'QUERY PLAN': string }[];
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
    expect(
      await plan(
        `SELECT id FROM outbox_event WHERE published_at IS NOT NULL AND published_at < now() - interval '30 days' LIMIT 5000`,
      ),
    ).toMatch(/outbox_event_published_idx/);
    expect(
      await plan(
        `SELECT consumer, event_id FROM inbox_event WHERE processed_at < now() - interval '31 days' LIMIT 5000`,
      ),
    ).toMatch(/inbox_event_processed_idx/);
  });
});
