import { randomUUID } from 'node:crypto';
import { type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import pino from 'pino';
import {
  connectNats,
  DeadLetterEvent,
  deadLetterStreamName,
  deadLetterSubject,
  ensureStreams,
  EventConsumer,
  eventsEntities,
  Events,
  eventsMigrations,
  OutboxRelay,
  recordEvent,
  removeStreams,
  streamNameFor,
  wireSubject,
  type EventDefinition,
  type EventEnvelope,
  type EventHandlerContext,
} from '../src';
import {
  createTestDatabase,
  eventually,
  sleep,
  type TestDatabase,
  testNamespace,
  testNatsUrl,
  validPayloads,
} from '@iso20000/testing';

const logger = pino({ level: 'silent' });
const fastRetries = { initialMs: 20, maxMs: 100 };

describe('idempotent event consumers', () => {
  const namespace = testNamespace();
  let db: TestDatabase;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  const running: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('events', {
      entities: eventsEntities,
      migrations: eventsMigrations,
    });
    // the consumer's effect in these tests: one row per handled event
    await db.dataSource.query(
      `CREATE TABLE "effect" ("event_id" uuid NOT NULL, "consumer" text NOT NULL, "note" text)`,
    );
    nc = await connectNats(testNatsUrl(), 'events-consumer-test');
    js = nc.jetstream();
    jsm = await nc.jetstreamManager();
    await ensureStreams(nc, namespace);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
  });

  afterAll(async () => {
    await removeStreams(nc, namespace);
    await nc?.close();
    await db?.dispose();
  });

  function envelopeFor<T>(def: EventDefinition<T>, payload: T): EventEnvelope<T> {
    return {
      id: randomUUID(),
      subject: def.subject,
      version: def.version,
      occurredAt: new Date().toISOString(),
      payload,
    };
  }

  async function publishRaw(subject: string, body: string, msgID = randomUUID()): Promise<void> {
    await js.publish(wireSubject(subject, namespace), body, { msgID });
  }

  function startConsumer<T>(
    durableName: string,
    event: EventDefinition<T>,
    handle: (payload: T, ctx: EventHandlerContext<T>) => Promise<void>,
    maxDeliver?: number,
  ): Promise<EventConsumer<T>> {
    const consumer = new EventConsumer({
      dataSource: db.dataSource,
      nc,
      namespace,
      logger,
      durableName,
      event,
      handle,
      maxDeliver,
      retryBackoff: fastRetries,
      ackWaitMs: 2000,
    });
    running.push(consumer);
    return consumer.start().then(() => consumer);
  }

  /** Resolves once the durable consumer has nothing pending and nothing awaiting an ack. */
  async function drained(event: EventDefinition<unknown>, durableName: string): Promise<void> {
    await eventually(
      async () => {
        const info = await jsm.consumers.info(streamNameFor(event.subject, namespace), durableName);
        return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
      },
      10_000,
      `${durableName} to drain`,
    );
  }

  const effectsOf = async (eventId: string) =>
    Number(
      (await db.dataSource.query(`SELECT count(*) AS n FROM "effect" WHERE "event_id" = $1`, [eventId]))[0].n,
    );

  const recordEffect =
    (durableName: string) =>
    async (_payload: unknown, { manager, envelope }: EventHandlerContext<unknown>) => {
      await manager.query(`INSERT INTO "effect" ("event_id", "consumer") VALUES ($1, $2)`, [
        envelope.id,
        durableName,
      ]);
    };

  it('delivers an event recorded in the outbox to its handler, with envelope and payload', async () => {
    const payload = validPayloads().CertificateIssued;
    const seen: EventEnvelope<unknown>[] = [];
    await startConsumer('exam-prerequisites', Events.CertificateIssued, async (p, ctx) => {
      seen.push(ctx.envelope);
      await recordEffect('exam-prerequisites')(p, ctx);
    });
    const relay = new OutboxRelay({ dataSource: db.dataSource, nc, namespace, logger, pollIntervalMs: 20 });
    running.push(relay);
    relay.start();
    const recorded = await db.dataSource.transaction((m) =>
      recordEvent(m, Events.CertificateIssued, payload, { requestId: 'req-42' }),
    );
    relay.kick();
    await eventually(async () => ((await effectsOf(recorded.id)) === 1 ? true : undefined));
    expect(seen).toEqual([recorded]);
  });

  it('has the effect of a redelivered event once', async () => {
    const durable = 'certificate-issue-on-release';
    const calls: string[] = [];
    const envelope = envelopeFor(Events.ExamSittingReleased, validPayloads().ExamSittingReleased);
    // the same event twice under different message ids: JetStream's dedupe cannot help here
    await publishRaw(envelope.subject, JSON.stringify(envelope));
    await publishRaw(envelope.subject, JSON.stringify(envelope));
    await startConsumer(durable, Events.ExamSittingReleased, async (p, ctx) => {
      calls.push(ctx.envelope.id);
      await recordEffect(durable)(p, ctx);
    });
    await drained(Events.ExamSittingReleased, durable);
    expect(await effectsOf(envelope.id)).toBe(1);
    expect(calls).toEqual([envelope.id]);
    const inbox = await db.dataSource.query(`SELECT consumer FROM inbox_event WHERE event_id = $1`, [
      envelope.id,
    ]);
    expect(inbox).toEqual([{ consumer: durable }]);
  });

  it('runs an effect outside the database once per event, retried until it succeeds', async () => {
    const durable = 'webhook-fan-out';
    const effects: string[] = [];
    let failures = 1;
    const envelope = envelopeFor(Events.CredentialUsed, validPayloads().CredentialUsed);
    await publishRaw(envelope.subject, JSON.stringify(envelope));
    await publishRaw(envelope.subject, JSON.stringify(envelope));
    const consumer = new EventConsumer({
      dataSource: db.dataSource,
      nc,
      namespace,
      logger,
      durableName: durable,
      event: Events.CredentialUsed,
      effect: 'outside-database',
      handle: async (_payload, { envelope: received }) => {
        if (failures-- > 0) throw new Error('receiver answered 503');
        effects.push(received.id);
      },
      retryBackoff: fastRetries,
      ackWaitMs: 2000,
    });
    running.push(consumer);
    await consumer.start();
    await drained(Events.CredentialUsed, durable);
    expect(effects).toEqual([envelope.id]);
    const inbox = await db.dataSource.query(`SELECT consumer FROM inbox_event WHERE event_id = $1`, [
      envelope.id,
    ]);
    expect(inbox).toEqual([{ consumer: durable }]);
  });

  it('retries a failed handler and keeps only the effect of the attempt that succeeded', async () => {
    const durable = 'certificate-revoke-on-void';
    let attempts = 0;
    const envelope = envelopeFor(Events.ExamSittingVoided, validPayloads().ExamSittingVoided);
    await startConsumer(durable, Events.ExamSittingVoided, async (p, ctx) => {
      attempts++;
      await recordEffect(durable)(p, ctx);
      // written, then the transaction fails: neither the effect nor the inbox row may survive
      if (attempts < 3) throw new Error('certificate store unavailable');
    });
    await publishRaw(envelope.subject, JSON.stringify(envelope));
    await eventually(async () => ((await effectsOf(envelope.id)) === 1 ? true : undefined));
    await drained(Events.ExamSittingVoided, durable);
    expect(attempts).toBe(3);
    expect(await effectsOf(envelope.id)).toBe(1);
    expect(await db.dataSource.getRepository(DeadLetterEvent).countBy({ consumer: durable })).toBe(0);
  });

  it('dead-letters an event whose handler keeps failing, with its error, after maxDeliver deliveries', async () => {
    const durable = 'registry-unlist-on-revoke';
    let attempts = 0;
    const envelope = envelopeFor(Events.CertificateRevoked, validPayloads().CertificateRevoked);
    await startConsumer(
      durable,
      Events.CertificateRevoked,
      async () => {
        attempts++;
        throw new Error('certificate number sequence exhausted');
      },
      3,
    );
    await publishRaw(envelope.subject, JSON.stringify(envelope));
    const deadLetter = await eventually(() =>
      db.dataSource
        .getRepository(DeadLetterEvent)
        .findOneBy({ consumer: durable })
        .then((d) => d ?? undefined),
    );
    expect(deadLetter).toMatchObject({
      eventId: envelope.id,
      subject: wireSubject(envelope.subject, namespace),
      deliveries: 3,
    });
    expect(deadLetter.error).toContain('certificate number sequence exhausted');
    expect(deadLetter.payload).toEqual(envelope);

    // terminated: no further deliveries, and no inbox row (the effect never happened)
    await drained(Events.CertificateRevoked, durable);
    await sleep(300);
    expect(attempts).toBe(3);
    expect(await db.dataSource.query(`SELECT 1 FROM inbox_event WHERE event_id = $1`, [envelope.id])).toEqual(
      [],
    );

    // and visible on the bus, on dlq.<durableName>
    const message = await jsm.streams.getMessage(deadLetterStreamName(namespace), {
      last_by_subj: deadLetterSubject(durable, namespace),
    });
    expect(message.header.get('Dead-Letter-Error')).toContain('certificate number sequence exhausted');
    expect(message.json<{ eventId: string; deliveries: number }>()).toMatchObject({
      eventId: envelope.id,
      deliveries: 3,
    });
  });

  it('dead-letters an invalid event at once, without calling the handler', async () => {
    const durable = 'registry-block-on-rcb-status';
    let calls = 0;
    await startConsumer(durable, Events.RcbStatusChanged, async () => {
      calls++;
    });
    const invalid = envelopeFor(Events.RcbStatusChanged, {
      ...validPayloads().RcbStatusChanged,
      status: 'ACCREDITED' as never,
    });
    await publishRaw(invalid.subject, JSON.stringify(invalid));
    await publishRaw(invalid.subject, 'not json at all');
    const valid = envelopeFor(Events.RcbStatusChanged, validPayloads().RcbStatusChanged);
    await publishRaw(valid.subject, JSON.stringify(valid));
    // a later version on the same subject is for its own consumers: neither handled nor dead-lettered
    const nextVersion = {
      ...envelopeFor(Events.RcbStatusChanged, validPayloads().RcbStatusChanged),
      version: 2,
      payload: { rcb: 'v2 shape' },
    };
    await publishRaw(nextVersion.subject, JSON.stringify(nextVersion));

    await drained(Events.RcbStatusChanged, durable);
    const deadLetters = await db.dataSource
      .getRepository(DeadLetterEvent)
      .find({ where: { consumer: durable }, order: { failedAt: 'ASC' } });
    expect(deadLetters).toHaveLength(2);
    expect(deadLetters[0]).toMatchObject({ eventId: invalid.id, deliveries: 1 });
    expect(deadLetters[0].error).toMatch(/status/);
    expect(deadLetters[1]).toMatchObject({
      eventId: null,
      deliveries: 1,
      payload: { raw: 'not json at all' },
    });
    expect(calls).toBe(1);
  });

  it('finishes the event in hand when stopped', async () => {
    const durable = 'accreditation-trainer-eligibility';
    let entered!: () => void;
    const handlerEntered = new Promise<void>((resolve) => (entered = resolve));
    let finished = false;
    const consumer = await startConsumer(durable, Events.CredentialIssued, async (p, ctx) => {
      entered();
      await sleep(300);
      await recordEffect(durable)(p, ctx);
      finished = true;
    });
    const envelope = envelopeFor(Events.CredentialIssued, validPayloads().CredentialIssued);
    await publishRaw(envelope.subject, JSON.stringify(envelope));
    await handlerEntered;
    await consumer.stop();
    expect(finished).toBe(true);
    expect(await effectsOf(envelope.id)).toBe(1);
    await drained(Events.CredentialIssued, durable);
  });

  it('recreates its durable consumer when it is deleted from under it', async () => {
    const durable = 'exam-stop-sittings-on-ato-status';
    const handled: string[] = [];
    await startConsumer(durable, Events.AtoStatusChanged, async (_p, { envelope }) => {
      handled.push(envelope.id);
    });
    await jsm.consumers.delete(streamNameFor(Events.AtoStatusChanged.subject, namespace), durable);
    const envelope = envelopeFor(Events.AtoStatusChanged, validPayloads().AtoStatusChanged);
    await publishRaw(envelope.subject, JSON.stringify(envelope));
    await eventually(
      async () => (handled.includes(envelope.id) ? true : undefined),
      15_000,
      'the event after the consumer was recreated',
    );
    expect(handled).toEqual([envelope.id]);
  });
});
