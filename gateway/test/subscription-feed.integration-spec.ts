import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthenticator, createCredentialStore, generateRcbCredential } from '@iso20000/auth';
import { connectNats, ensureStreams, Events, type EventDefinition } from '@iso20000/events';
import { createLogger } from '@iso20000/service-kit';
import {
  eventually,
  LocalNatsServer,
  publishEvent,
  TEST_AUTH_SECRET,
  tokenFor,
  validPayloads,
} from '@iso20000/testing';
import { createClient, type Client } from 'graphql-ws';
import type { NatsConnection } from 'nats';
import WebSocket from 'ws';
import { defaultSupergraphPath } from '../src/gateway';
import { buildSubscriptionSchema, loadSubscriptionConfig, serveSubscriptions } from '../src/subscriptions';
import { EventFeed, type FeedEvent } from '../src/subscriptions/event-feed';

// The feed on a private nats-server, so the server can be killed and started again under it.
const logger = createLogger('gateway-feed-test', 'silent');
const namespace = 'feedtest';
const payloads = validPayloads();
const SITTINGS = { producer: 'exam', subject: 'exam.sitting.>' } as const;

let server: LocalNatsServer;
let publisher: NatsConnection;
let nc: NatsConnection;

const publish = <T>(def: EventDefinition<T>, payload: T) => publishEvent(publisher, namespace, def, payload);

beforeAll(async () => {
  server = await LocalNatsServer.start();
  publisher = await connectNats(server.url, 'publisher');
  nc = await connectNats(server.url, 'gateway');
  await ensureStreams(publisher, namespace, 1);
});

afterAll(async () => {
  await nc.close();
  await publisher.close();
  await server.dispose();
});

async function nextEvent(read: () => Promise<FeedEvent | string>): Promise<FeedEvent> {
  for (;;) {
    const next = await read();
    if (typeof next !== 'string') return next;
    if (next === 'closed') throw new Error('the reader closed');
  }
}

it('keeps following a stream across a restart of the NATS server, without loss or repeats', async () => {
  const feed = new EventFeed({ nc, namespace, logger });
  try {
    const reader = await feed.open([SITTINGS]);
    const before = await publish(Events.ExamSittingReleased, payloads.ExamSittingReleased);
    expect((await nextEvent(() => reader.next(5_000))).envelope?.id).toBe(before);

    await server.halt();
    await server.resume();
    // the producers' relays publish again once they reconnect
    const after = await eventually(
      async () =>
        publish(Events.ExamSittingReleased, {
          ...payloads.ExamSittingReleased,
          sittingId: randomUUID(),
        }).catch(() => undefined),
      20_000,
      'the server back',
    );
    const next = await nextEvent(() => reader.next(20_000));
    expect(next.envelope?.id).toBe(after);
    reader.close();
  } finally {
    await feed.close();
  }
}, 60_000);

it('ends a subscriber whose waiting live events pass the bound with SUBSCRIBER_TOO_SLOW', async () => {
  const feed = new EventFeed({ nc, namespace, logger, maxBufferedEvents: 3 });
  try {
    const reader = await feed.open([SITTINGS]);
    const slow = await feed.open([SITTINGS]);
    const ids: string[] = [];
    const seen: string[] = [];
    // one reader keeps up; the other reads nothing until the fifth is stored
    for (let i = 0; i < 5; i++) {
      ids.push(
        await publish(Events.ExamSittingReleased, {
          ...payloads.ExamSittingReleased,
          sittingId: randomUUID(),
        }),
      );
      seen.push((await nextEvent(() => reader.next(5_000))).envelope?.id ?? '');
    }
    expect(seen).toEqual(ids);
    await expect(slow.next(1_000)).rejects.toMatchObject({
      extensions: { code: 'SUBSCRIBER_TOO_SLOW', limit: 3 },
    });
    expect(feed.stats().readers).toBe(2);
    slow.close();
    reader.close();
    expect(feed.stats().readers).toBe(0);
  } finally {
    await feed.close();
  }
});

it('hands a routed subscriber only the events of its key, and moves its position past the others', async () => {
  const feed = new EventFeed({ nc, namespace, logger });
  const byCandidate = (key: string) => ({
    kind: 'candidate',
    key,
    keyOf: (e: { payload: unknown }) => (e.payload as { candidateId?: string }).candidateId,
  });
  try {
    const [ana, bo] = [randomUUID(), randomUUID()];
    const forAna = await feed.open([SITTINGS], undefined, byCandidate(ana));
    const forBo = await feed.open([SITTINGS], undefined, byCandidate(bo));
    const released = (candidateId: string) =>
      publish(Events.ExamSittingReleased, {
        ...payloads.ExamSittingReleased,
        sittingId: randomUUID(),
        candidateId,
      });
    const bos = [await released(bo), await released(bo)];
    const anas = await released(ana);
    const last = await released(bo);
    expect((await nextEvent(() => forAna.next(5_000))).envelope?.id).toBe(anas);
    const seenByBo: string[] = [];
    while (seenByBo.length < 3) seenByBo.push((await nextEvent(() => forBo.next(5_000))).envelope?.id ?? '');
    expect(seenByBo).toEqual([...bos, last]);
    // nothing more for Ana: her position reaches the stream's end once Bo's last event is handed out
    expect(await forAna.next(200)).toBe('idle');
    expect(forAna.current().exam?.seq).toBe(forBo.current().exam?.seq);
    forAna.close();
    forBo.close();
  } finally {
    await feed.close();
  }
});

it('replays from a position across streams merged by the time they were stored', async () => {
  const feed = new EventFeed({ nc, namespace, logger });
  const CERTIFICATES = { producer: 'certificate', subject: 'certificate.certificate.>' } as const;
  try {
    const start = await feed.open([SITTINGS, CERTIFICATES]);
    const from = start.current();
    start.close();
    const order = [
      await publish(Events.ExamSittingReleased, { ...payloads.ExamSittingReleased, sittingId: randomUUID() }),
      await publish(Events.CertificateIssued, payloads.CertificateIssued),
      await publish(Events.ExamSittingVoided, payloads.ExamSittingVoided),
      await publish(Events.CertificateRevoked, payloads.CertificateRevoked),
    ];
    const reader = await feed.open([SITTINGS, CERTIFICATES], from);
    const seen: string[] = [];
    while (seen.length < 4) seen.push((await nextEvent(() => reader.next(5_000))).envelope?.id ?? '');
    expect(seen).toEqual(order);
    expect(await reader.next(1)).toBe('caught-up');
    reader.close();
  } finally {
    await feed.close();
  }
});

it('closes API-key connections with 4503 while the credential copy cannot be shown current, and keeps the others open', async () => {
  const store = await createCredentialStore({
    nc,
    namespace,
    logger,
    readyTimeoutMs: 500,
    maxStalenessMs: 1_000,
  });
  const authenticator = createAuthenticator({ devSecret: TEST_AUTH_SECRET, credentials: store, logger });
  const http = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const subscriptions = serveSubscriptions({
    server: http,
    built: buildSubscriptionSchema(readFileSync(defaultSupergraphPath(), 'utf8')),
    authenticator,
    nc,
    namespace,
    logger,
    config: loadSubscriptionConfig({ GATEWAY_SUBSCRIPTION_REVALIDATE_MS: '200' }),
    production: true,
    maxTokens: 5_000,
  });
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
  const clients: Client[] = [];
  const connect = (authorization: string) => {
    let closedWith!: (code: number) => void;
    const closed = new Promise<number>((resolve) => (closedWith = resolve));
    let acknowledged!: () => void;
    const connected = new Promise<void>((resolve) => (acknowledged = resolve));
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { authorization },
      on: {
        closed: (event) => closedWith((event as { code: number }).code),
        connected: () => acknowledged(),
      },
      onNonLazyError: () => undefined,
    });
    clients.push(client);
    return { closed, connected };
  };
  try {
    const rcbId = randomUUID();
    const credential = generateRcbCredential();
    await publish(Events.CredentialIssued, {
      credentialId: credential.id,
      rcbId,
      secretHash: credential.secretHash,
      label: null,
      issuedAt: new Date().toISOString(),
    });
    await eventually(async () => (await store.verify(credential.apiKey).catch(() => null)) ?? undefined);
    const withKey = connect(`ApiKey ${credential.apiKey}`);
    const withToken = connect(`Bearer ${await tokenFor({ role: 'scheme_staff', subject: 'staff' })}`);
    await Promise.all([withKey.connected, withToken.connected]);

    await server.halt();
    try {
      expect(await withKey.closed).toBe(4503);
      const stillOpen = await Promise.race([withToken.closed, Promise.resolve('open')]);
      expect(stillOpen).toBe('open');
    } finally {
      await server.resume();
    }
  } finally {
    for (const client of clients) await client.dispose();
    await subscriptions.close();
    await new Promise((resolve) => http.close(resolve));
    await store.close();
  }
}, 60_000);
