import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type NatsConnection } from 'nats';
import pino from 'pino';
import {
  connectNats,
  ensureStreams,
  EventConsumer,
  eventsEntities,
  Events,
  eventsMigrations,
  listDeadLetters,
  removeStreams,
  type EventConsumerControl,
} from '@iso20000/events';
import {
  createTestDatabase,
  eventually,
  publishEvent,
  type TestDatabase,
  testNamespace,
  testNatsUrl,
  validPayloads,
} from '@iso20000/testing';
import { workspaceRoot } from '../src/infrastructure';

const run = promisify(execFile);

// `npm run dead-letters` as an operator runs it: a separate process against the service's database
// and NATS, here a test database and a test namespace with a consumer that fails until it is fixed.
describe('npm run dead-letters', () => {
  const namespace = testNamespace();
  let db: TestDatabase;
  let nc: NatsConnection;
  let broken = true;
  let consumer: EventConsumerControl | undefined;

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        [
          join(workspaceRoot, 'tools/dev/bin/run-ts.mjs'),
          join(workspaceRoot, 'tools/dev/src/dead-letters.ts'),
          ...args,
        ],
        { env: { ...process.env, DATABASE_URL: db.url, NATS_URL: testNatsUrl() }, timeout: 60_000 },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase('deadletterscli', {
      entities: eventsEntities,
      migrations: eventsMigrations,
    });
    await db.dataSource.query(`CREATE TABLE "effect" ("event_id" uuid NOT NULL)`);
    nc = await connectNats(testNatsUrl(), 'dead-letters-cli-test');
    await ensureStreams(nc, namespace);
    const started = new EventConsumer({
      dataSource: db.dataSource,
      nc,
      namespace,
      logger: pino({ level: 'silent' }),
      durableName: 'certificate-issue-on-release',
      event: Events.ExamSittingReleased,
      handle: async (_payload, { manager, envelope }) => {
        if (broken) throw new Error('certificate template missing');
        await manager.query(`INSERT INTO "effect" ("event_id") VALUES ($1)`, [envelope.id]);
      },
      maxDeliver: 1,
    });
    await started.start();
    consumer = started;
  });

  afterAll(async () => {
    await consumer?.stop();
    await removeStreams(nc, namespace);
    await nc?.close();
    await db?.dispose();
  });

  it('lists, shows and replays a dead letter; the fixed consumer has its effect once', async () => {
    const eventId = await publishEvent(
      nc,
      namespace,
      Events.ExamSittingReleased,
      validPayloads().ExamSittingReleased,
    );
    const [deadLetter] = await eventually(
      async () => {
        const open = await listDeadLetters(db.dataSource);
        return open.length === 1 ? open : undefined;
      },
      10_000,
      'the dead letter',
    );

    const listed = await cli('list', '--service', 'certificate');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(deadLetter.id);
    expect(listed.stdout).toContain('certificate-issue-on-release');
    expect(listed.stdout).toContain('certificate template missing');
    const shown = await cli('show', '--service', 'certificate', deadLetter.id);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: deadLetter.id, eventId, resolution: null });

    expect(await cli('replay', '--service', 'certificate', deadLetter.id)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('BAD_USER_INPUT: who (--by) is required'),
    });
    expect((await cli('list', '--service', 'nowhere')).code).toBe(2);

    broken = false;
    const replayed = await cli(
      'replay',
      '--service',
      'certificate',
      deadLetter.id,
      '--by',
      'ops@scheme.example',
    );
    expect(replayed).toMatchObject({ code: 0, stdout: expect.stringContaining(`replayed ${deadLetter.id}`) });
    await eventually(
      async () =>
        Number(
          (
            await db.dataSource.query(`SELECT count(*) AS n FROM "effect" WHERE "event_id" = $1`, [eventId])
          )[0].n,
        ) === 1
          ? true
          : undefined,
      10_000,
      'the replayed effect',
    );
    expect(await cli('replay', '--service', 'certificate', deadLetter.id, '--by', 'ops')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('CONFLICT'),
    });
    const history = JSON.parse(
      (await cli('list', '--service', 'certificate', '--state', 'all', '--json')).stdout,
    );
    expect(history).toEqual([
      expect.objectContaining({
        id: deadLetter.id,
        resolution: 'replayed',
        resolvedBy: 'ops@scheme.example',
      }),
    ]);
  }, 120_000);
});
