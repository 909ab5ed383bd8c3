import { type NatsConnection } from 'nats';
import pino from 'pino';
import {
  connectNats,
  ensureStreams,
  EventConsumer,
  eventsEntities,
  Events,
  eventsMigrations,
  OutboxRelay,
  recordEvent,
  removeStreams,
  republishOutbox,
  streamNameFor,
  type EventConsumerControl,
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

// docs/operations.md, "Losing the event store": the streams are gone (a lost JetStream volume);
// the producer's outbox publishes its rows again and the consumer, recreated on the new streams,
// has each effect once.
describe('recovering a lost event store from the outbox', () => {
  const namespace = testNamespace();
  let producer: TestDatabase;
  let consumerDb: TestDatabase;
  let nc: NatsConnection;
  let relay: OutboxRelay;
  let consumer: EventConsumerControl | undefined;

  const startConsumer = async () => {
    consumer = new EventConsumer({
      dataSource: consumerDb.dataSource,
      nc,
      namespace,
      logger,
      durableName: 'accreditation-certificate-issued',
      event: Events.CertificateIssued,
      handle: async (p, { manager }) => {
        await manager.query(`INSERT INTO "effect" ("certificate_id") VALUES ($1)`, [p.certificateId]);
      },
    });
    await consumer.start();
  };
  const effects = async () =>
    (await consumerDb.dataSource.query(`SELECT "certificate_id" FROM "effect" ORDER BY 1`)) as {
      certificate_id: string;
    }[];
  const issue = (certificateId: string) =>
    producer.dataSource.transaction((manager) =>
      recordEvent(manager, Events.CertificateIssued, { ...validPayloads().CertificateIssued, certificateId }),
    );

  beforeAll(async () => {
    producer = await createTestDatabase('storeproducer', {
      entities: eventsEntities,
      migrations: eventsMigrations,
    });
    consumerDb = await createTestDatabase('storeconsumer', {
      entities: eventsEntities,
      migrations: eventsMigrations,
    });
    // no unique key: a second effect of one event would show as a second row
    await consumerDb.dataSource.query(`CREATE TABLE "effect" ("certificate_id" uuid NOT NULL)`);
    nc = await connectNats(testNatsUrl(), 'event-store-recovery-test');
    await ensureStreams(nc, namespace);
    relay = new OutboxRelay({ dataSource: producer.dataSource, nc, namespace, logger, pollIntervalMs: 20 });
    relay.start();
    await startConsumer();
  });

  afterAll(async () => {
    await consumer?.stop();
    await relay?.stop();
    await removeStreams(nc, namespace).catch(() => undefined);
    await nc?.close();
    await producer?.dispose();
    await consumerDb?.dispose();
  });

  it('republishes the outbox onto new streams; the consumer has every effect once', async () => {
    const before = new Date(Date.now() - 60_000);
    const ids = [
      '11111111-1111-4111-8111-111111111111',
      '22222222-2222-4222-8222-222222222222',
      '33333333-3333-4333-8333-333333333333',
    ];
    for (const id of ids) await issue(id);
    await eventually(
      async () => ((await effects()).length === 3 ? true : undefined),
      10_000,
      'three effects',
    );

    // the store is lost: streams and consumers gone; the services recreate the streams at start
    await consumer?.stop();
    await removeStreams(nc, namespace);
    await ensureStreams(nc, namespace);
    const stream = streamNameFor(Events.CertificateIssued.subject, namespace);
    const jsm = await nc.jetstreamManager();
    expect((await jsm.streams.info(stream)).state.messages).toBe(0);

    expect(await republishOutbox(producer.dataSource, before)).toBe(3);
    await eventually(
      async () => ((await jsm.streams.info(stream)).state.messages === 3 ? true : undefined),
      10_000,
      'the republished events',
    );
    await startConsumer();
    const fourth = '44444444-4444-4444-8444-444444444444';
    await issue(fourth);
    await eventually(async () => ((await effects()).length >= 4 ? true : undefined), 10_000, 'the new event');
    await sleep(500);
    expect((await effects()).map((e) => e.certificate_id)).toEqual([...ids, fourth]);
    await expect(republishOutbox(producer.dataSource, new Date('not a date'))).rejects.toThrow('valid date');
  });
});
