import { randomUUID } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { type NatsConnection } from 'nats';
import pino from 'pino';
import {
  BUS_IDENTITIES,
  busPermissions,
  busServerConfig,
  CONSUMED_STREAMS,
  connectNats,
  ensureStreams,
  EventConsumer,
  eventsEntities,
  Events,
  eventsMigrations,
  natsAuthOptionsFrom,
  OutboxRelay,
  recordEvent,
  streamNameFor,
  wireSubject,
  type BusIdentity,
  type BusUser,
  type EventDefinition,
} from '../src';
import {
  createTestDatabase,
  eventually,
  LocalNatsServer,
  validPayloads,
  type TestDatabase,
} from '@iso20000/testing';

const logger = pino({ level: process.env.TEST_LOG ?? 'silent' });

/** One event per producer stream, so a consumer on each consumed stream has something to receive. */
const payloads = validPayloads();
const EVENT_ON = {
  exam: { def: Events.ExamSittingReleased, payload: payloads.ExamSittingReleased },
  accreditation: { def: Events.AtoStatusChanged, payload: payloads.AtoStatusChanged },
  certificate: { def: Events.CertificateIssued, payload: payloads.CertificateIssued },
  registry: { def: Events.CertificationChanged, payload: payloads.CertificationChanged },
  notifications: { def: Events.WebhookEndpointDisabled, payload: payloads.WebhookEndpointDisabled },
} as const;

describe('each process has its own identity on the event bus', () => {
  const users: BusUser[] = BUS_IDENTITIES.map((identity) => ({
    identity,
    user: identity,
    password: randomBytes(18).toString('base64url'),
  }));
  let server: LocalNatsServer;
  let db: TestDatabase;
  const connections = new Map<BusIdentity, NatsConnection>();
  const opened: NatsConnection[] = [];

  async function connectAs(identity: BusIdentity): Promise<NatsConnection> {
    const user = users.find((u) => u.identity === identity) as BusUser;
    const nc = await connectNats(server.url, `bus-identity-${identity}`, {
      ...natsAuthOptionsFrom({ NATS_USER: user.user, NATS_PASSWORD: user.password }),
      maxReconnectAttempts: 0,
    });
    opened.push(nc);
    return nc;
  }

  beforeAll(async () => {
    server = await LocalNatsServer.start({
      config: (port, storeDir) => busServerConfig({ users, host: '127.0.0.1', port, storeDir }),
    });
    db = await createTestDatabase('events', { entities: eventsEntities, migrations: eventsMigrations });
    for (const identity of BUS_IDENTITIES) connections.set(identity, await connectAs(identity));
    // as every service does at start, under its own grants
    for (const producer of ['exam', 'accreditation', 'certificate', 'registry', 'notifications'] as const) {
      await ensureStreams(connections.get(producer) as NatsConnection);
    }
  }, 30_000);

  afterAll(async () => {
    await Promise.all(opened.map((nc) => nc.close()));
    await db?.dispose();
    await server?.dispose();
  });

  async function storedIn(stream: string): Promise<number> {
    const jsm = await (connections.get('exam') as NatsConnection).jetstreamManager();
    return (await jsm.streams.info(stream)).state.messages;
  }

  it('refuses a connection without credentials', async () => {
    await expect(connectNats(server.url, 'anonymous', { maxReconnectAttempts: 0 })).rejects.toThrow(
      /authorization/i,
    );
  });

  it('lets only the exam service publish exam.sitting.released', async () => {
    const before = await storedIn('EXAM');
    const registry = connections.get('registry') as NatsConnection;
    const envelope = JSON.stringify({ forged: true });
    await expect(
      registry.jetstream().publish('exam.sitting.released', envelope, { timeout: 1500 }),
    ).rejects.toThrow();
    // core NATS as well: the server drops it and tells the client
    registry.publish('exam.sitting.released', envelope);
    await registry.flush();
    for (const identity of ['accreditation', 'certificate', 'gateway'] as const) {
      const nc = connections.get(identity) as NatsConnection;
      nc.publish('exam.sitting.released', envelope);
      await nc.flush();
    }
    expect(await storedIn('EXAM')).toBe(before);

    const ack = await (connections.get('exam') as NatsConnection)
      .jetstream()
      .publish('exam.sitting.released', JSON.stringify({ test: 'the producer itself' }));
    expect(ack.stream).toBe('EXAM');
    expect(await storedIn('EXAM')).toBe(before + 1);
  });

  it('does not let a process read a stream it does not consume', async () => {
    const registry = connections.get('registry') as NatsConnection;
    const jsm = await registry.jetstreamManager();
    await expect(
      jsm.consumers.add('EXAM', { durable_name: 'registry-snooping', filter_subject: 'exam.>' }),
    ).rejects.toThrow();
    await expect(jsm.streams.delete('EXAM')).rejects.toThrow();
  });

  it("runs every producer's outbox relay under its grants", async () => {
    for (const producer of ['exam', 'accreditation', 'certificate', 'registry', 'notifications'] as const) {
      const { def, payload } = EVENT_ON[producer];
      const stream = streamNameFor(def.subject);
      const before = await storedIn(stream);
      await db.dataSource.transaction((manager) =>
        recordEvent(manager, def as EventDefinition<typeof payload>, payload),
      );
      const relay = new OutboxRelay({
        dataSource: db.dataSource,
        nc: connections.get(producer) as NatsConnection,
        logger,
        pollIntervalMs: 50,
      });
      relay.start();
      relay.kick();
      try {
        await eventually(async () => ((await storedIn(stream)) === before + 1 ? true : undefined));
      } finally {
        await relay.stop();
      }
    }
  }, 30_000);

  it('lets the operator tools replay on a producer subject and list consumers, never read', async () => {
    const operator = connections.get('operator') as NatsConnection;
    const { def, payload } = EVENT_ON.exam;
    const stream = streamNameFor(def.subject);
    const before = await storedIn(stream);
    const envelope = {
      id: randomUUID(),
      subject: def.subject,
      version: def.version,
      occurredAt: new Date().toISOString(),
      payload,
    };
    await operator.jetstream().publish(def.subject, JSON.stringify(envelope), { msgID: envelope.id });
    expect(await storedIn(stream)).toBe(before + 1);
    const jsm = await operator.jetstreamManager();
    const names: string[] = [];
    // listing is what rewind-consumers does first; a refused grant throws here
    for await (const consumer of jsm.consumers.list(stream)) names.push(consumer.name);
    // and it may neither create a consumer nor pull a message
    const grants = busPermissions('operator').publish.allow;
    expect(
      grants.some((g) => g.includes('CONSUMER.CREATE') || g.includes('MSG.NEXT') || g.startsWith('$JS.ACK')),
    ).toBe(false);
  });

  it('runs durable consumers on every stream a service reads, and ordered consumers for everyone', async () => {
    for (const identity of BUS_IDENTITIES) {
      // the operator tools' identity reads no stream (checked above)
      if (identity === 'operator') continue;
      const nc = connections.get(identity) as NatsConnection;
      for (const producer of CONSUMED_STREAMS[identity]) {
        const { def } = EVENT_ON[producer];
        // the credential store's way: an ordered (ephemeral) consumer from the start of the stream
        const ordered = await nc.jetstream().consumers.get(streamNameFor(def.subject), {
          filterSubjects: wireSubject(def.subject),
        });
        const first = await ordered.next({ expires: 5000 });
        expect(first?.subject).toBe(def.subject);
        await ordered.delete().catch(() => undefined);

        if (identity === 'gateway') continue;
        const received: string[] = [];
        const consumer = new EventConsumer({
          dataSource: db.dataSource,
          nc,
          logger,
          durableName: `${identity}-grant-check-${producer}`,
          event: def as EventDefinition<unknown>,
          effect: 'outside-database',
          handle: async (_payload, { envelope }) => {
            received.push(envelope.id);
          },
        });
        await consumer.start();
        try {
          await eventually(async () => (received.length > 0 ? true : undefined));
        } finally {
          await consumer.stop();
        }
      }
    }
  }, 60_000);

  it('lets every verifier announce credential use to accreditation, and nobody else hear it', async () => {
    const accreditation = connections.get('accreditation') as NatsConnection;
    const subscription = accreditation.subscribe(wireSubject(Events.CredentialUsed.subject), { max: 1 });
    await accreditation.flush();
    const gateway = connections.get('gateway') as NatsConnection;
    gateway.publish(wireSubject(Events.CredentialUsed.subject), 'used');
    for await (const message of subscription) expect(message.string()).toBe('used');

    const registry = await connectAs('registry');
    const errors: string[] = [];
    void (async () => {
      for await (const status of registry.status()) errors.push(`${status.type} ${String(status.data)}`);
    })();
    registry.subscribe(wireSubject(Events.CredentialUsed.subject));
    await eventually(async () => (errors.join(' ').match(/permissions.violation/i) ? true : undefined));
  });
});
