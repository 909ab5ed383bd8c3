import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import pino from 'pino';
import {
  ensureStreams,
  EventConsumer,
  eventsEntities,
  Events,
  eventSettingsFrom,
  eventsMigrations,
  streamNameFor,
} from '../src';
import { createTestDatabase, sleep, type TestDatabase } from '@iso20000/testing';

// The ha deployment's event bus in miniature: three JetStream servers in one cluster (as the ha
// overlay's nats.conf clusters them) and every stream created at STREAM_REPLICAS=3.

const NATS_SERVER =
  process.env.NATS_SERVER_BIN ??
  (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server');

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

const servers: ChildProcess[] = [];
const stores: string[] = [];
let nc: NatsConnection;

beforeAll(async () => {
  const clientPorts = [await freePort(), await freePort(), await freePort()];
  const routePorts = [await freePort(), await freePort(), await freePort()];
  const routes = routePorts.map((port) => `nats://127.0.0.1:${port}`).join(',');
  for (const [i, port] of clientPorts.entries()) {
    const store = mkdtempSync(join(tmpdir(), `nats-r3-${i}-`));
    stores.push(store);
    servers.push(
      spawn(
        NATS_SERVER,
        [
          '-js',
          '-n',
          `n${i}`,
          '-a',
          '127.0.0.1',
          '-p',
          String(port),
          '-sd',
          store,
          '--cluster_name',
          'r3',
          '--cluster',
          `nats://127.0.0.1:${routePorts[i]}`,
          '--routes',
          routes,
        ],
        { stdio: 'ignore' },
      ),
    );
  }
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      nc = await connect({ servers: clientPorts.map((port) => `nats://127.0.0.1:${port}`) });
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}, 30_000);

afterAll(async () => {
  await nc?.close();
  for (const server of servers) server.kill('SIGKILL');
  for (const store of stores) rmSync(store, { recursive: true, force: true });
});

it('creates every stream on three servers when STREAM_REPLICAS=3', async () => {
  const { streamReplicas } = eventSettingsFrom({ STREAM_REPLICAS: '3' });
  // The cluster elects its JetStream leader after the routes connect: retry until it answers.
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await ensureStreams(nc, 'rthree', streamReplicas);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info(streamNameFor('exam.sitting.released', 'rthree'));
  expect(info.config.num_replicas).toBe(3);
  expect(info.cluster?.leader).toBeTruthy();
  expect(info.cluster?.replicas).toHaveLength(2);
}, 60_000);

it('starts a consumer while the cluster is without a quorum, once the quorum is back', async () => {
  // Replicas starting together found JetStream's API timing out for a few seconds and exited.
  const db: TestDatabase = await createTestDatabase('events', {
    entities: eventsEntities,
    migrations: eventsMigrations,
  });
  const connectedTo = nc.info?.server_name;
  const others = servers.filter((_, i) => `n${i}` !== connectedTo);
  expect(others).toHaveLength(2);
  const consumer = new EventConsumer({
    dataSource: db.dataSource,
    nc,
    namespace: 'rthree',
    logger: pino({ level: 'silent' }),
    durableName: 'events-quorum-test',
    event: Events.CertificateIssued,
    handle: async () => {},
  });
  try {
    for (const server of others) server.kill('SIGSTOP');
    let settled = false;
    const started = consumer.start().finally(() => (settled = true));
    // longer than a JetStream API call's timeout (5 s): the first attempts fail while the quorum is gone
    await sleep(7_000);
    expect(settled).toBe(false);
    for (const server of others) server.kill('SIGCONT');
    await started;
    const jsm = await nc.jetstreamManager();
    const info = await jsm.consumers.info(
      streamNameFor(Events.CertificateIssued.subject, 'rthree'),
      'events-quorum-test',
    );
    expect(info.config.durable_name).toBe('events-quorum-test');
  } finally {
    for (const server of others) server.kill('SIGCONT');
    await consumer.stop();
    await db.dispose();
  }
}, 90_000);
