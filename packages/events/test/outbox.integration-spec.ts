import { type NatsConnection, type JetStreamManager } from 'nats';
import pino from 'pino';
import {
  connectNats,
  ensureStreams,
  eventsEntities,
  Events,
  eventsMigrations,
  InvalidEventError,
  OutboxEvent,
  OutboxRelay,
  recordEvent,
  recordEvents,
  removeStreams,
  streamNameFor,
  wireSubject,
  type EventEnvelope,
} from '../src';
import {
  createTestDatabase,
  eventually,
  type TestDatabase,
  testNamespace,
  testNatsUrl,
  untyped,
  validPayloads,
} from '@iso20000/testing';

const logger = pino({ level: 'silent' });

describe('transactional outbox', () => {
  const namespace = testNamespace();
  let db: TestDatabase;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let relay: OutboxRelay;

  beforeAll(async () => {
    db = await createTestDatabase('events', {
      entities: eventsEntities,
      migrations: eventsMigrations,
    });
    nc = await connectNats(testNatsUrl(), 'events-outbox-test');
    jsm = await nc.jetstreamManager();
    await ensureStreams(nc, namespace);
  });

  afterEach(async () => {
    await relay?.stop();
  });

  afterAll(async () => {
    await removeStreams(nc, namespace);
    await nc?.close();
    await db?.dispose();
  });

  async function storedEnvelopes(
    subject: string,
    ns = namespace,
  ): Promise<{ envelope: EventEnvelope; msgId: string | undefined }[]> {
    const stream = streamNameFor(subject, ns);
    const info = await jsm.streams.info(stream);
    const found = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const msg = await jsm.streams.getMessage(stream, { seq });
      // the stream holds every subject of its producer: keep the one asked for
      if (msg.subject !== wireSubject(subject, ns)) continue;
      found.push({ envelope: msg.json<EventEnvelope>(), msgId: msg.header.get('Nats-Msg-Id') || undefined });
    }
    return found;
  }

  const pendingCount = async () =>
    Number(
      (await db.dataSource.query(`SELECT count(*) AS n FROM outbox_event WHERE published_at IS NULL`))[0].n,
    );

  it('publishes a committed event once, and nothing for a transaction that rolled back', async () => {
    const payloads = validPayloads();
    await expect(
      db.dataSource.transaction(async (manager) => {
        await recordEvent(manager, Events.CertificateIssued, {
          ...payloads.CertificateIssued,
          number: 'ROLLED-BACK',
        });
        throw new Error('the certificate could not be stored');
      }),
    ).rejects.toThrow('the certificate could not be stored');

    const recorded = await db.dataSource.transaction((manager) =>
      recordEvent(manager, Events.CertificateIssued, payloads.CertificateIssued, {
        requestId: 'req-outbox-1',
      }),
    );

    relay = new OutboxRelay({ dataSource: db.dataSource, nc, namespace, logger, pollIntervalMs: 50 });
    relay.start();
    relay.kick();
    await eventually(
      async () => ((await pendingCount()) === 0 ? true : undefined),
      5000,
      'the outbox to drain',
    );
    await relay.stop();

    // a relay that runs again finds nothing left to publish
    expect(await relay.publishPending()).toBe(0);

    const stored = await storedEnvelopes('certificate.certificate.issued');
    expect(stored).toHaveLength(1);
    expect(stored[0].msgId).toBe(recorded.id);
    expect(stored[0].envelope).toEqual(recorded);
    expect(stored[0].envelope).toMatchObject({
      subject: 'certificate.certificate.issued',
      version: 1,
      requestId: 'req-outbox-1',
    });

    const row = await db.dataSource.getRepository(OutboxEvent).findOneByOrFail({ id: recorded.id });
    expect(row.publishedAt).toBeInstanceOf(Date);
    expect(row.attempts).toBe(0);
    expect(await db.dataSource.getRepository(OutboxEvent).count()).toBe(1);
  });

  it('publishes events in the order they were recorded', async () => {
    const numbers = Array.from({ length: 30 }, (_, i) => `ORDER-${String(i).padStart(3, '0')}`);
    await db.dataSource.transaction(async (manager) => {
      for (const number of numbers.slice(0, 15)) {
        await recordEvent(manager, Events.CertificateRevoked, {
          ...validPayloads().CertificateRevoked,
          number,
        });
      }
    });
    await db.dataSource.transaction(async (manager) => {
      for (const number of numbers.slice(15)) {
        await recordEvent(manager, Events.CertificateRevoked, {
          ...validPayloads().CertificateRevoked,
          number,
        });
      }
    });
    // small batches, so order must also hold across batches
    relay = new OutboxRelay({
      dataSource: db.dataSource,
      nc,
      namespace,
      logger,
      pollIntervalMs: 20,
      batchSize: 7,
    });
    relay.start();
    await eventually(
      async () => ((await pendingCount()) === 0 ? true : undefined),
      5000,
      'the outbox to drain',
    );
    const stored = await storedEnvelopes('certificate.certificate.revoked');
    expect(stored.map((s) => (s.envelope.payload as { number: string }).number)).toEqual(numbers);
  });

  it('records a batch in one statement, published once each and in the order given', async () => {
    const numbers = Array.from({ length: 250 }, (_, i) => `BULK-${String(i).padStart(4, '0')}`);
    await db.dataSource.transaction((manager) =>
      recordEvents(
        manager,
        Events.CertificateRevoked,
        numbers.map((number) => ({ ...validPayloads().CertificateRevoked, number })),
        { requestId: 'req-bulk-1' },
      ),
    );
    relay = new OutboxRelay({
      dataSource: db.dataSource,
      nc,
      namespace,
      logger,
      pollIntervalMs: 20,
      batchSize: 100,
    });
    relay.start();
    await eventually(
      async () => ((await pendingCount()) === 0 ? true : undefined),
      10_000,
      'the outbox to drain',
    );
    const stored = (await storedEnvelopes('certificate.certificate.revoked')).filter((s) =>
      (s.envelope.payload as { number: string }).number.startsWith('BULK-'),
    );
    expect(stored.map((s) => (s.envelope.payload as { number: string }).number)).toEqual(numbers);
    expect(new Set(stored.map((s) => s.envelope.id)).size).toBe(numbers.length);
    expect(stored.every((s) => s.envelope.requestId === 'req-bulk-1' && s.msgId === s.envelope.id)).toBe(
      true,
    );
  });

  it('rejects a batch with one invalid payload, and writes none of it', async () => {
    const good = validPayloads().CertificateRevoked;
    const before = await db.dataSource.getRepository(OutboxEvent).count();
    await expect(
      db.dataSource.transaction((manager) =>
        recordEvents(manager, untyped(Events.CertificateRevoked), [
          good,
          { ...good, certificateId: 'not-a-uuid' },
        ]),
      ),
    ).rejects.toThrow(InvalidEventError);
    expect(await db.dataSource.getRepository(OutboxEvent).count()).toBe(before);
  });

  it('rejects an invalid payload when it is recorded, and writes nothing', async () => {
    const invalid = { ...validPayloads().ExamSittingReleased, percentage: 140 };
    await expect(
      db.dataSource.transaction((manager) =>
        recordEvent(manager, untyped(Events.ExamSittingReleased), invalid),
      ),
    ).rejects.toThrow(InvalidEventError);
    await expect(
      db.dataSource.transaction((manager) =>
        recordEvent(manager, untyped(Events.ExamSittingReleased), { sittingId: 'x' }),
      ),
    ).rejects.toThrow(/candidateId/);
    expect(await db.dataSource.getRepository(OutboxEvent).countBy({ subject: 'exam.sitting.released' })).toBe(
      0,
    );
  });

  it('refuses to record outside a transaction', async () => {
    await expect(
      recordEvent(db.dataSource.manager, Events.CredentialRevoked, validPayloads().CredentialRevoked),
    ).rejects.toThrow(/inside the transaction/);
  });

  it('keeps an event it cannot publish, with the error and a backoff, and publishes it once it can', async () => {
    // a namespace whose streams do not exist yet: JetStream answers "no responders"
    const later = testNamespace();
    try {
      const recorded = await db.dataSource.transaction((manager) =>
        recordEvent(manager, Events.CredentialRevoked, validPayloads().CredentialRevoked),
      );
      relay = new OutboxRelay({
        dataSource: db.dataSource,
        nc,
        namespace: later,
        logger,
        pollIntervalMs: 20,
        publishTimeoutMs: 500,
        backoff: { initialMs: 100, maxMs: 400 },
      });
      relay.start();
      const failed = await eventually(async () => {
        const row = await db.dataSource.getRepository(OutboxEvent).findOneByOrFail({ id: recorded.id });
        return row.attempts >= 2 ? row : undefined;
      });
      expect(failed.publishedAt).toBeNull();
      expect(failed.lastError).toMatch(/503|no responders/i);
      expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(failed.createdAt.getTime());

      await ensureStreams(nc, later);
      const published = await eventually(async () => {
        const row = await db.dataSource.getRepository(OutboxEvent).findOneByOrFail({ id: recorded.id });
        return row.publishedAt ? row : undefined;
      });
      expect(published.attempts).toBeGreaterThanOrEqual(2);
      const stored = await storedEnvelopes('accreditation.credential.revoked', later);
      expect(stored.map((s) => s.envelope.id)).toEqual([recorded.id]);
    } finally {
      await relay.stop();
      await removeStreams(nc, later);
    }
  });

  it('publishes each event once and in order when several relays run against the same database', async () => {
    const numbers = Array.from({ length: 40 }, (_, i) => `MULTI-${String(i).padStart(3, '0')}`);
    const relays = [1, 2, 3].map(
      () =>
        new OutboxRelay({
          dataSource: db.dataSource,
          nc,
          namespace,
          logger,
          pollIntervalMs: 5,
          batchSize: 4,
        }),
    );
    for (const number of numbers) {
      await db.dataSource.transaction((manager) =>
        recordEvent(manager, Events.CertificationChanged, {
          ...validPayloads().CertificationChanged,
          certificateNumber: number,
        }),
      );
    }
    // all pending at once: the relays compete for the same rows
    relays.forEach((r) => r.start());
    try {
      await eventually(
        async () => ((await pendingCount()) === 0 ? true : undefined),
        10_000,
        'the outbox to drain',
      );
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
    const stored = await storedEnvelopes('registry.certification.changed');
    expect(
      stored.map((s) => (s.envelope.payload as { certificateNumber: string }).certificateNumber),
    ).toEqual(numbers);
  });

  it('hands an event over to a new relay when the old one lost its NATS connection for good', async () => {
    const closed = await connectNats(testNatsUrl(), 'events-outbox-closed');
    await closed.close();
    const recorded = await db.dataSource.transaction((manager) =>
      recordEvent(manager, Events.ExamSittingVoided, validPayloads().ExamSittingVoided),
    );
    const broken = new OutboxRelay({
      dataSource: db.dataSource,
      nc: closed,
      namespace,
      logger,
      backoff: { initialMs: 50, maxMs: 50 },
    });
    expect(await broken.publishPending()).toBe(0);
    const row = await db.dataSource.getRepository(OutboxEvent).findOneByOrFail({ id: recorded.id });
    expect(row).toMatchObject({ publishedAt: null, attempts: 1 });
    expect(row.lastError).toMatch(/closed/i);

    relay = new OutboxRelay({ dataSource: db.dataSource, nc, namespace, logger, pollIntervalMs: 20 });
    relay.start();
    await eventually(
      async () => ((await pendingCount()) === 0 ? true : undefined),
      5000,
      'the outbox to drain',
    );
    const stored = await storedEnvelopes('exam.sitting.voided');
    expect(stored.map((s) => s.envelope.id)).toEqual([recorded.id]);
  });
});
