import { type NatsConnection } from 'nats';
import pino from 'pino';
import {
  connectNats,
  DeadLetterRefused,
  discardDeadLetter,
  ensureStreams,
  EventConsumer,
  eventsEntities,
  Events,
  eventsMigrations,
  findDeadLetter,
  listDeadLetters,
  removeStreams,
  replayDeadLetter,
  wireSubject,
  type EventConsumerControl,
  type EventHandlerContext,
  type PayloadOf,
} from '../src';
import {
  createTestDatabase,
  eventually,
  publishEvent,
  sleep,
  type TestDatabase,
  testNamespace,
  testNatsUrl,
  validPayloads,
} from '@iso20000/testing';

const logger = pino({ level: 'silent' });
type Released = EventHandlerContext<PayloadOf<typeof Events.ExamSittingReleased>>;

// One event, two consumers of it: "issue" has a bug until the test fixes it, "notify" works. The
// operator's replay must give "issue" its effect once and leave "notify" at its one effect.
describe('dead letters: list, show, replay, discard', () => {
  const namespace = testNamespace();
  let db: TestDatabase;
  let nc: NatsConnection;
  let issueBroken = true;
  const running: EventConsumerControl[] = [];

  const effects = async (consumer: string, eventId: string) =>
    Number(
      (
        await db.dataSource.query(
          `SELECT count(*) AS n FROM "effect" WHERE "consumer" = $1 AND "event_id" = $2`,
          [consumer, eventId],
        )
      )[0].n,
    );

  function start(durableName: string, handle: (ctx: Released) => Promise<void>): Promise<void> {
    const consumer = new EventConsumer({
      dataSource: db.dataSource,
      nc,
      namespace,
      logger,
      durableName,
      event: Events.ExamSittingReleased,
      handle: (_payload, ctx) => handle(ctx),
      maxDeliver: 2,
      retryBackoff: { initialMs: 20, maxMs: 50 },
      ackWaitMs: 2000,
    });
    running.push(consumer);
    return consumer.start();
  }

  const recordEffect = (consumer: string) => async (ctx: Released) => {
    await ctx.manager.query(`INSERT INTO "effect" ("event_id", "consumer") VALUES ($1, $2)`, [
      ctx.envelope.id,
      consumer,
    ]);
  };

  beforeAll(async () => {
    db = await createTestDatabase('deadletters', { entities: eventsEntities, migrations: eventsMigrations });
    await db.dataSource.query(`CREATE TABLE "effect" ("event_id" uuid NOT NULL, "consumer" text NOT NULL)`);
    nc = await connectNats(testNatsUrl(), 'events-dead-letters-test');
    await ensureStreams(nc, namespace);
    await start('t-issue', async (ctx) => {
      if (issueBroken) throw new Error('issuer bug: template missing');
      await recordEffect('t-issue')(ctx);
    });
    await start('t-notify', recordEffect('t-notify'));
  });

  afterAll(async () => {
    await Promise.all(running.map((consumer) => consumer.stop()));
    await removeStreams(nc, namespace);
    await nc?.close();
    await db?.dispose();
  });

  it('replays a dead letter once the bug is fixed: the failed consumer has its effect once, the others none again', async () => {
    const eventId = await publishEvent(
      nc,
      namespace,
      Events.ExamSittingReleased,
      validPayloads().ExamSittingReleased,
    );
    const [deadLetter] = await eventually(
      async () => {
        const open = await listDeadLetters(db.dataSource, { consumer: 't-issue' });
        return open.length === 1 ? open : undefined;
      },
      10_000,
      'the dead letter',
    );
    await eventually(
      async () => ((await effects('t-notify', eventId)) === 1 ? true : undefined),
      10_000,
      'notify',
    );

    const shown = await findDeadLetter(db.dataSource, deadLetter.id);
    expect(shown).toMatchObject({
      consumer: 't-issue',
      eventId,
      subject: wireSubject(Events.ExamSittingReleased.subject, namespace),
      deliveries: 2,
      resolution: null,
    });
    expect(shown.error).toContain('issuer bug: template missing');
    expect(shown.payload).toMatchObject({ id: eventId, subject: 'exam.sitting.released' });

    issueBroken = false;
    const replayed = await replayDeadLetter(nc, {
      dataSource: db.dataSource,
      id: deadLetter.id,
      by: 'ops@scheme.example',
    });
    expect(replayed).toMatchObject({
      resolution: 'replayed',
      resolvedBy: 'ops@scheme.example',
      resolutionReason: null,
    });
    await eventually(
      async () => ((await effects('t-issue', eventId)) === 1 ? true : undefined),
      10_000,
      'the replay',
    );

    // a second replay is refused; the same message arriving again anyway is skipped by the inbox
    await expect(
      replayDeadLetter(nc, { dataSource: db.dataSource, id: deadLetter.id, by: 'someone else' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await nc
      .jetstream()
      .publish(deadLetter.subject, JSON.stringify(shown.payload), { msgID: `again-${eventId}` });
    await sleep(500);
    expect([await effects('t-issue', eventId), await effects('t-notify', eventId)]).toEqual([1, 1]);
    expect(await listDeadLetters(db.dataSource)).toEqual([]);
    expect((await listDeadLetters(db.dataSource, { state: 'replayed' })).map((d) => d.id)).toEqual([
      deadLetter.id,
    ]);
  });

  it('a replay that fails again is a new dead letter; the first stays as replayed', async () => {
    issueBroken = true;
    const eventId = await publishEvent(
      nc,
      namespace,
      Events.ExamSittingReleased,
      validPayloads().ExamSittingReleased,
    );
    const [first] = await eventually(
      async () => {
        const open = (await listDeadLetters(db.dataSource)).filter((d) => d.eventId === eventId);
        return open.length === 1 ? open : undefined;
      },
      10_000,
      'the dead letter',
    );
    await replayDeadLetter(nc, {
      dataSource: db.dataSource,
      id: first.id,
      by: 'ops',
      reason: 'template deployed',
    });
    const [second] = await eventually(
      async () => {
        const open = (await listDeadLetters(db.dataSource)).filter((d) => d.eventId === eventId);
        return open.length === 1 ? open : undefined;
      },
      10_000,
      'the second dead letter',
    );
    expect(second.id).not.toBe(first.id);
    expect(await findDeadLetter(db.dataSource, first.id)).toMatchObject({
      resolution: 'replayed',
      resolutionReason: 'template deployed',
    });
    expect(await effects('t-issue', eventId)).toBe(0);
    issueBroken = false;
  });

  it('discards with who and why, and refuses a discard without a reason, a bad id or an unknown one', async () => {
    // not an envelope at all: dead-lettered at once by both consumers
    await nc.jetstream().publish(wireSubject(Events.ExamSittingReleased.subject, namespace), 'not json', {
      msgID: `garbage-${namespace}`,
    });
    const garbage = await eventually(
      async () => {
        const open = (await listDeadLetters(db.dataSource)).filter((d) => d.eventId === null);
        return open.length === 2 ? open : undefined;
      },
      10_000,
      'the dead letters',
    );
    const [issue] = garbage.filter((d) => d.consumer === 't-issue');
    expect(issue.payload).toEqual({ raw: 'not json' });

    for (const reason of [undefined, '   ', 'two\nlines']) {
      await expect(
        discardDeadLetter({ dataSource: db.dataSource, id: issue.id, by: 'ops', reason }),
      ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    await expect(
      discardDeadLetter({ dataSource: db.dataSource, id: 'nope', by: 'ops', reason: 'x' }),
    ).rejects.toThrow(DeadLetterRefused);
    await expect(findDeadLetter(db.dataSource, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject(
      { code: 'NOT_FOUND' },
    );
    expect((await findDeadLetter(db.dataSource, issue.id)).resolution).toBeNull();

    const discarded = await discardDeadLetter({
      dataSource: db.dataSource,
      id: issue.id,
      by: 'ops@scheme.example',
      reason: 'hand-made test message, not an event',
    });
    expect(discarded).toMatchObject({
      resolution: 'discarded',
      resolvedBy: 'ops@scheme.example',
      resolutionReason: 'hand-made test message, not an event',
    });
    expect(discarded.resolvedAt).toBeInstanceOf(Date);
    await expect(
      replayDeadLetter(nc, { dataSource: db.dataSource, id: issue.id, by: 'ops' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await listDeadLetters(db.dataSource, { state: 'discarded' })).map((d) => d.id)).toEqual([
      issue.id,
    ]);
    expect((await listDeadLetters(db.dataSource, { state: 'all' })).length).toBeGreaterThanOrEqual(4);
  });
});
