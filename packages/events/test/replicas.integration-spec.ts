import { type NatsConnection } from 'nats';
import pino from 'pino';
import { DataSource, type DataSourceOptions } from 'typeorm';
import {
  connectNats,
  ensureStreams,
  EventConsumer,
  Events,
  eventsEntities,
  eventsMigrations,
  OutboxRelay,
  recordEvent,
  removeStreams,
  streamNameFor,
  type PayloadOf,
} from '../src';
import { eventRedeliveries } from '@iso20000/telemetry';
import {
  createTestDatabase,
  eventually,
  NatsCluster,
  sleep,
  testNamespace,
  testNatsUrl,
  validPayloads,
  type TestDatabase,
} from '@iso20000/testing';

// Two replicas of one service: each its own connection pool on the service's database and its own
// NATS connection, running its outbox relay and its consumer under the shared durable name.

const logger = pino({ level: 'silent' });
const event = Events.ExamSittingReleased;
type Released = PayloadOf<typeof event>;
const durableName = 'replicas-effect';

interface Replica {
  name: string;
  dataSource: DataSource;
  nc: NatsConnection;
  relay: OutboxRelay;
  consumer: EventConsumer<Released>;
}

async function secondPool(db: TestDatabase): Promise<DataSource> {
  const pool = new DataSource({ ...db.dataSource.options, migrations: [] } as DataSourceOptions);
  return pool.initialize();
}

async function startReplica(options: {
  name: string;
  dataSource: DataSource;
  natsUrl: string;
  namespace: string;
  slowFirst?: number;
}): Promise<Replica> {
  const { name, dataSource, namespace } = options;
  const nc = await connectNats(options.natsUrl, `replica-${name}`);
  let slow = options.slowFirst ?? 0;
  const relay = new OutboxRelay({ dataSource, nc, namespace, logger, pollIntervalMs: 50 });
  const consumer = new EventConsumer<Released>({
    dataSource,
    nc,
    namespace,
    logger,
    durableName,
    event,
    ackWaitMs: 1000,
    retryBackoff: { initialMs: 50, maxMs: 500 },
    handle: async (_payload, { manager, envelope }) => {
      await manager.query(`INSERT INTO "effect" ("event_id", "replica") VALUES ($1, $2)`, [
        envelope.id,
        name,
      ]);
      // held past ack_wait: JetStream redelivers it, to either replica, while this one still works on it
      if (slow > 0) {
        slow -= 1;
        await sleep(1_300);
      }
    },
  });
  relay.start();
  await consumer.start();
  return { name, dataSource, nc, relay, consumer };
}

async function stopReplica(replica: Replica): Promise<void> {
  await replica.consumer.stop();
  await replica.relay.stop();
  await replica.nc.close();
}

async function recordReleases(dataSource: DataSource, count: number): Promise<string[]> {
  const base: Released = validPayloads().ExamSittingReleased;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const envelope = await dataSource.transaction((manager) => recordEvent(manager, event, base));
    ids.push(envelope.id);
  }
  return ids;
}

async function effectCounts(
  db: TestDatabase,
): Promise<{ events: number; effects: number; replicas: string[] }> {
  const [row] = (await db.dataSource.query(
    `SELECT count(DISTINCT event_id)::int AS events, count(*)::int AS effects, ` +
      `array_agg(DISTINCT replica) AS replicas FROM "effect"`,
  )) as { events: number; effects: number; replicas: string[] | null }[];
  return { ...row, replicas: row.replicas ?? [] };
}

describe('two replicas on one NATS server', () => {
  const namespace = testNamespace('replicas');
  let db: TestDatabase;
  let admin: NatsConnection;
  let other: DataSource | undefined;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('replicas', { entities: eventsEntities, migrations: eventsMigrations });
    await db.dataSource.query(`CREATE TABLE "effect" ("event_id" uuid NOT NULL, "replica" text NOT NULL)`);
    admin = await connectNats(testNatsUrl(), 'replicas-admin');
    await ensureStreams(admin, namespace);
  });
  afterAll(async () => {
    for (const replica of replicas.splice(0)) await stopReplica(replica);
    await removeStreams(admin, namespace);
    await admin?.close();
    await other?.destroy();
    await db?.dispose();
  });

  it('publishes each outbox row once and has each event handled once, by one replica or the other', async () => {
    other = await secondPool(db);
    replicas.push(
      await startReplica({
        name: 'a',
        dataSource: db.dataSource,
        natsUrl: testNatsUrl(),
        namespace,
        slowFirst: 3,
      }),
      await startReplica({ name: 'b', dataSource: other, natsUrl: testNatsUrl(), namespace }),
    );
    const ids = await recordReleases(db.dataSource, 200);

    await eventually(
      async () => ((await effectCounts(db)).events === ids.length ? true : undefined),
      30_000,
      'every event handled',
    );
    const jsm = await admin.jetstreamManager();
    const stream = streamNameFor(event.subject, namespace);
    // the relays raced: JetStream holds each event once
    expect((await jsm.streams.info(stream)).state.messages).toBe(ids.length);
    await eventually(async () => {
      const info = await jsm.consumers.info(stream, durableName);
      return info.num_ack_pending === 0 && info.num_pending === 0 ? info : undefined;
    }, 20_000);
    // redeliveries happened (the slow handler's events, past ack_wait), and the inbox kept each to one effect
    const redelivered = (await eventRedeliveries.get()).values.find((v) => v.labels.consumer === durableName);
    expect(redelivered?.value ?? 0).toBeGreaterThanOrEqual(3);
    const counts = await effectCounts(db);
    expect(counts).toMatchObject({ events: ids.length, effects: ids.length });
    // both replicas pulled from the one durable consumer
    expect(counts.replicas.sort()).toEqual(['a', 'b']);
    const unpublished = (await db.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL`,
    )) as { n: number }[];
    expect(unpublished[0].n).toBe(0);
  }, 60_000);
});

describe('two replicas on a three-node JetStream cluster that loses the stream leader', () => {
  const namespace = testNamespace('r3');
  let db: TestDatabase;
  let cluster: NatsCluster;
  let admin: NatsConnection;
  let other: DataSource | undefined;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    cluster = await NatsCluster.start();
    db = await createTestDatabase('replicasr3', { entities: eventsEntities, migrations: eventsMigrations });
    await db.dataSource.query(`CREATE TABLE "effect" ("event_id" uuid NOT NULL, "replica" text NOT NULL)`);
    admin = await connectNats(cluster.urls, 'r3-admin');
    await eventually(
      async () => {
        await ensureStreams(admin, namespace, 3);
        return true;
      },
      30_000,
      'the cluster to accept R3 streams',
    );
  }, 60_000);
  afterAll(async () => {
    for (const replica of replicas.splice(0)) await stopReplica(replica);
    await admin?.close();
    await cluster?.dispose();
    await other?.destroy();
    await db?.dispose();
  });

  it('neither loses nor doubles an effect while the stream leader is killed mid-flow', async () => {
    other = await secondPool(db);
    replicas.push(
      await startReplica({ name: 'a', dataSource: db.dataSource, natsUrl: cluster.urls, namespace }),
      await startReplica({ name: 'b', dataSource: other, natsUrl: cluster.urls, namespace }),
    );
    const jsm = await admin.jetstreamManager();
    const stream = streamNameFor(event.subject, namespace);
    const info = await jsm.streams.info(stream);
    expect(info.config.num_replicas).toBe(3);
    expect(info.cluster?.replicas).toHaveLength(2);

    // events recorded all along, through the loss
    const ids: string[] = [];
    let recording = true;
    const recorder = (async () => {
      while (recording) {
        ids.push(...(await recordReleases(db.dataSource, 5)));
        await sleep(20);
      }
    })();
    await eventually(async () => ((await effectCounts(db)).events >= 50 ? true : undefined), 30_000);
    const leader = (await jsm.streams.info(stream)).cluster?.leader as string;
    expect(cluster.nodes.map((n) => n.name)).toContain(leader);
    await cluster.kill(leader);
    // a new leader among the two left
    const newLeader = await eventually(
      async () => {
        const now = (await jsm.streams.info(stream)).cluster?.leader;
        return now && now !== leader ? now : undefined;
      },
      30_000,
      'a new stream leader',
    );
    expect(newLeader).not.toBe(leader);
    await sleep(1_000);
    recording = false;
    await recorder;

    await eventually(
      async () => ((await effectCounts(db)).events === ids.length ? true : undefined),
      60_000,
      'every event recorded handled',
    );
    await sleep(1_500); // any late redelivery would show now
    expect(await effectCounts(db)).toMatchObject({ events: ids.length, effects: ids.length });
    expect((await jsm.streams.info(stream)).state.messages).toBe(ids.length);
    await cluster.restart(leader);
  }, 120_000);
});
