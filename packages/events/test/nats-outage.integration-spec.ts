import { type NatsConnection } from 'nats';
import pino from 'pino';
import {
  connectNats,
  ensureStreams,
  EventConsumer,
  eventsEntities,
  Events,
  eventsMigrations,
  OutboxEvent,
  OutboxRelay,
  recordEvent,
  streamNameFor,
  wireSubject,
} from '../src';
import {
  createTestDatabase,
  eventually,
  LocalNatsServer,
  type TestDatabase,
  testNamespace,
  validPayloads,
} from '@iso20000/testing';

const logger = pino({ level: 'silent' });

// A private nats-server, so that stopping it hurts nobody else's tests.
describe('a NATS outage', () => {
  const namespace = testNamespace();
  let server: LocalNatsServer;
  let db: TestDatabase;
  let nc: NatsConnection;
  let relay: OutboxRelay;
  let consumer: EventConsumer<unknown>;
  const handled: string[] = [];

  beforeAll(async () => {
    [server, db] = await Promise.all([
      LocalNatsServer.start(),
      createTestDatabase('events', { entities: eventsEntities, migrations: eventsMigrations }),
    ]);
    nc = await connectNats(server.url, 'events-outage-test', { reconnectTimeWait: 100 });
    await ensureStreams(nc, namespace);
    relay = new OutboxRelay({
      dataSource: db.dataSource,
      nc,
      namespace,
      logger,
      pollIntervalMs: 20,
      publishTimeoutMs: 300,
      backoff: { initialMs: 100, maxMs: 400 },
    });
    consumer = new EventConsumer<unknown>({
      dataSource: db.dataSource,
      nc,
      namespace,
      logger,
      durableName: 'certificate-issue-on-release',
      event: Events.ExamSittingReleased,
      retryBackoff: { initialMs: 20, maxMs: 100 },
      ackWaitMs: 2000,
      handle: async (_payload, { envelope }) => {
        handled.push(envelope.id);
      },
    });
  });

  afterAll(async () => {
    await consumer?.stop();
    await relay?.stop();
    await nc?.close();
    await Promise.all([server?.dispose(), db?.dispose()]);
  });

  const outboxRow = (id: string) => db.dataSource.getRepository(OutboxEvent).findOneByOrFail({ id });
  const released = () => validPayloads().ExamSittingReleased;

  it('delays an event recorded while NATS is down, and delivers it exactly once when NATS is back', async () => {
    await consumer.start();
    relay.start();
    const before = await db.dataSource.transaction((m) =>
      recordEvent(m, Events.ExamSittingReleased, released()),
    );
    await eventually(async () => (handled.includes(before.id) ? true : undefined), 10_000, 'the first event');

    await server.halt();
    const during = await db.dataSource.transaction((m) =>
      recordEvent(m, Events.ExamSittingReleased, released()),
    );
    const failed = await eventually(
      async () => {
        const row = await outboxRow(during.id);
        return row.attempts >= 2 ? row : undefined;
      },
      10_000,
      'failed publish attempts',
    );
    expect(failed.publishedAt).toBeNull();
    expect(failed.lastError).not.toBeNull();
    expect(handled).not.toContain(during.id);

    await server.resume();
    await eventually(
      async () => (handled.includes(during.id) ? true : undefined),
      20_000,
      'the delayed event',
    );
    expect((await outboxRow(during.id)).publishedAt).toBeInstanceOf(Date);

    // once in the stream (dedupe on Nats-Msg-Id absorbs a publish whose ack was lost) and once handled
    const jsm = await nc.jetstreamManager();
    const stream = streamNameFor(Events.ExamSittingReleased.subject, namespace);
    const info = await jsm.streams.info(stream, {
      subjects_filter: wireSubject(Events.ExamSittingReleased.subject, namespace),
    });
    expect(info.state.messages).toBe(2);
    expect(handled.filter((id) => id === during.id)).toHaveLength(1);
    expect(handled.filter((id) => id === before.id)).toHaveLength(1);
  });

  it('publishes held rows within a second of reconnecting, however long their backoff', async () => {
    // A backoff that would hold the row for 8 s after its second failure: only the reconnect frees it.
    const patient = new OutboxRelay({
      dataSource: db.dataSource,
      nc,
      namespace,
      logger,
      pollIntervalMs: 20,
      publishTimeoutMs: 300,
      backoff: { initialMs: 4000, maxMs: 30_000 },
    });
    await relay.stop();
    patient.start();
    try {
      await server.halt();
      const during = await db.dataSource.transaction((m) =>
        recordEvent(m, Events.ExamSittingReleased, released()),
      );
      await eventually(
        async () => ((await outboxRow(during.id)).attempts >= 2 ? true : undefined),
        15_000,
        'two failed publish attempts',
      );
      let reconnectedAt = 0;
      const reconnected = (async () => {
        for await (const status of nc.status()) {
          if (status.type === 'reconnect') {
            reconnectedAt = Date.now();
            return;
          }
        }
      })();
      await server.resume();
      await reconnected;
      await eventually(
        async () => ((await outboxRow(during.id)).publishedAt ? true : undefined),
        10_000,
        'the held event published',
      );
      expect(Date.now() - reconnectedAt).toBeLessThan(1_500);
      await eventually(async () => (handled.includes(during.id) ? true : undefined), 10_000, 'handled');
    } finally {
      await patient.stop();
    }
  });
});
