import { randomUUID } from 'node:crypto';
import { connectNats, ensureStreams, Events, type EventDefinition } from '@iso20000/events';
import { createLogger } from '@iso20000/service-kit';
import { eventually, LocalNatsServer, publishEvent, validPayloads } from '@iso20000/testing';
import type { NatsConnection } from 'nats';
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
