import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventsEntities, Events, eventsMigrations, recordEvent } from '@iso20000/events';
import { createTestDatabase, type TestDatabase, validPayloads } from '@iso20000/testing';
import { workspaceRoot } from '../src/infrastructure';

const run = promisify(execFile);
const tool = [
  join(workspaceRoot, 'tools/dev/bin/run-ts.mjs'),
  join(workspaceRoot, 'tools/dev/src/republish-outbox.ts'),
];

describe('npm run republish-outbox', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('republishcli', { entities: eventsEntities, migrations: eventsMigrations });
  });
  afterAll(async () => db?.dispose());

  it('marks the published rows since the given time unpublished, and no others', async () => {
    for (let i = 0; i < 3; i++) {
      await db.dataSource.transaction((manager) =>
        recordEvent(manager, Events.CertificateIssued, validPayloads().CertificateIssued),
      );
    }
    // two published (one long ago), one still pending
    await db.dataSource.query(
      `UPDATE "outbox_event" SET "published_at" = now(), "attempts" = 1 WHERE "position" IN (SELECT "position" FROM "outbox_event" ORDER BY "position" LIMIT 2)`,
    );
    await db.dataSource.query(
      `UPDATE "outbox_event" SET "created_at" = now() - interval '40 days' WHERE "position" = (SELECT min("position") FROM "outbox_event")`,
    );
    const since = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();
    const { stdout } = await run(process.execPath, [...tool, '--service', 'exam', '--since', since], {
      env: { ...process.env, DATABASE_URL: db.url },
      timeout: 60_000,
    });
    expect(stdout).toContain('1 events of exam');
    const rows = (await db.dataSource.query(
      `SELECT "published_at" IS NULL AS "pending", "attempts" FROM "outbox_event" ORDER BY "position"`,
    )) as { pending: boolean; attempts: number }[];
    expect(rows).toEqual([
      { pending: false, attempts: 1 },
      { pending: true, attempts: 0 },
      { pending: true, attempts: 0 },
    ]);
    await expect(
      run(process.execPath, [...tool, '--service', 'exam', '--since', 'yesterday']),
    ).rejects.toMatchObject({
      code: 1,
    });
  }, 60_000);
});
