import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import {
  createAuthenticator,
  createCredentialStore,
  generateRcbCredential,
  type CredentialStore,
} from '@iso20000/auth';
import { ensureStreams, Events, streamNameFor, type EventDefinition, type PayloadOf } from '@iso20000/events';
import { createLogger } from '@iso20000/service-kit';
import {
  connectTestNats,
  deleteNamespaceStreams,
  eventually,
  publishEvent,
  TEST_AUTH_SECRET,
  testNamespace,
  tokenFor,
  validPayloads,
} from '@iso20000/testing';
import { readFileSync } from 'node:fs';
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import type { NatsConnection } from 'nats';
import WebSocket from 'ws';
import { defaultSupergraphPath } from '../src/gateway';
import {
  buildSubscriptionSchema,
  encodeFeedCursor,
  loadSubscriptionConfig,
  serveSubscriptions,
  type SubscriptionServer,
} from '../src/subscriptions';

// The subscription server on real HTTP and a real NATS JetStream, with a real graphql-ws client:
// events are published as the producers' relays publish them, and two servers with their own NATS
// connections stand for two gateway replicas.
const logger = createLogger('gateway-subscriptions-test', 'silent');
const namespace = testNamespace('gwsub');
const built = buildSubscriptionSchema(readFileSync(defaultSupergraphPath(), 'utf8'));

interface Replica {
  url: string;
  http: Server;
  nc: NatsConnection;
  store: CredentialStore;
  subscriptions: SubscriptionServer;
}

let nc: NatsConnection;
const replicas: Replica[] = [];
const clients: Client[] = [];

async function startReplica(env: Record<string, string> = {}): Promise<Replica> {
  const replicaNc = await connectTestNats();
  const store = await createCredentialStore({ nc: replicaNc, namespace, logger, readyTimeoutMs: 500 });
  const authenticator = createAuthenticator({ devSecret: TEST_AUTH_SECRET, credentials: store, logger });
  const http = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const subscriptions = serveSubscriptions({
    server: http,
    built,
    authenticator,
    nc: replicaNc,
    namespace,
    logger,
    config: loadSubscriptionConfig({ GATEWAY_SUBSCRIPTION_REVALIDATE_MS: '200', ...env }),
    production: true,
    maxTokens: 5_000,
  });
  const replica = {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`,
    http,
    nc: replicaNc,
    store,
    subscriptions,
  };
  replicas.push(replica);
  return replica;
}

interface Connection {
  client: Client;
  closed: Promise<{ code: number; reason: string }>;
}

function connect(replica: Replica, authorization?: string): Connection {
  let closedWith!: (event: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (closedWith = resolve));
  const client = createClient({
    url: replica.url,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: authorization ? { authorization } : {},
    on: { closed: (event) => closedWith(event as { code: number; reason: string }) },
    onNonLazyError: () => undefined,
  });
  clients.push(client);
  return { client, closed };
}

type Update = { __typename: string; cursor: string; eventId?: string } & Record<string, unknown>;

interface Feed {
  updates: Update[];
  /** Changes only: the CursorAdvanced payloads left out. */
  changes(): Update[];
  errors: unknown[];
  done: boolean;
  stop(): void;
}

function follow(client: Client, query: string, variables: Record<string, unknown> = {}): Feed {
  const feed: Feed = {
    updates: [],
    changes: () => feed.updates.filter((u) => u.__typename !== 'CursorAdvanced'),
    errors: [],
    done: false,
    stop: () => undefined,
  };
  feed.stop = client.subscribe<Record<string, Update>>(
    { query, variables },
    {
      next: (result: ExecutionResult<Record<string, Update>>) => {
        if (result.errors) feed.errors.push(...result.errors);
        const value = result.data && Object.values(result.data)[0];
        if (value) feed.updates.push(value);
      },
      error: (error) => {
        feed.errors.push(...(Array.isArray(error) ? error : [error]));
        feed.done = true;
      },
      complete: () => {
        feed.done = true;
      },
    },
  );
  return feed;
}

const codesOf = (errors: unknown[]) =>
  errors.map((e) => (e as { extensions?: { code?: string } }).extensions?.code);

/** Waits for the subscription's first payload: it is then joined to the streams. */
async function live(feed: Feed): Promise<string> {
  const first = await eventually(
    async () => feed.updates[0] ?? (feed.done ? null : undefined),
    10_000,
    'live',
  );
  if (!first) throw new Error(`subscription ended: ${JSON.stringify(feed.errors)}`);
  return first.cursor;
}

const CANDIDATE = `subscription($after: String, $candidateId: ID) {
  candidateChanged(after: $after, candidateId: $candidateId) {
    __typename
    ... on CursorAdvanced { cursor }
    ... on SittingResultReleased { cursor eventId sittingId candidateId score passed releasedAt }
    ... on SittingVoided { cursor eventId sittingId reason }
    ... on CertificateIssued { cursor eventId number candidateId issuedAt }
    ... on CertificateRevoked { cursor eventId number reason }
  } }`;
const RCB = `subscription($after: String) { rcbChanged(after: $after) {
  __typename
  ... on CursorAdvanced { cursor }
  ... on OrganizationCertificationChanged { cursor eventId certificateNumber rcbId status change version }
  ... on RcbAppointmentChanged { cursor eventId rcbId rcbStatus }
} }`;
const ATO = `subscription { atoChanged {
  __typename
  ... on CursorAdvanced { cursor }
  ... on AtoAccreditationChanged { cursor eventId atoId atoStatus previousAtoStatus statusReason }
  ... on SittingResultReleased { cursor eventId atoId }
  ... on SittingVoided { cursor eventId reason }
  ... on CertificateIssued { cursor eventId atoId }
  ... on CertificateRevoked { cursor eventId reason }
} }`;
const CERTIFICATE_STATUS = `subscription($number: String!, $after: String) {
  certificateStatusChanged(number: $number, after: $after) {
    __typename
    ... on CursorAdvanced { cursor }
    ... on CertificateStatusChange { cursor eventId number status changedAt }
  } }`;

const payloads = validPayloads();
type Released = PayloadOf<typeof Events.ExamSittingReleased>;
const released = (candidateId: string, extra: Partial<Released> = {}): Released => ({
  ...payloads.ExamSittingReleased,
  sittingId: randomUUID(),
  candidateId,
  ...extra,
});
const publish = <T>(def: EventDefinition<T>, payload: T) => publishEvent(nc, namespace, def, payload);

/** An RCB integration's API key, issued as accreditation publishes it and known to the replicas' stores. */
async function issueApiKey(
  rcbId: string,
  ...known: Replica[]
): Promise<{ key: string; credentialId: string }> {
  const credential = generateRcbCredential();
  await publish(Events.CredentialIssued, {
    credentialId: credential.id,
    rcbId,
    secretHash: credential.secretHash,
    label: null,
    issuedAt: new Date().toISOString(),
  });
  for (const replica of known)
    await eventually(
      async () => (await replica.store.verify(credential.apiKey).catch(() => null)) ?? undefined,
    );
  return { key: `ApiKey ${credential.apiKey}`, credentialId: credential.id };
}

beforeAll(async () => {
  nc = await connectTestNats();
  await ensureStreams(nc, namespace);
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.dispose();
});

afterAll(async () => {
  for (const replica of replicas) {
    await replica.subscriptions.close();
    await new Promise((resolve) => replica.http.close(resolve));
    await replica.store.close();
    await replica.nc.drain();
  }
  await deleteNamespaceStreams(nc, namespace);
  await nc.drain();
});

describe('GraphQL subscriptions from JetStream', () => {
  it('resumes from a cursor with exactly the changes missed, in order, then continues live', async () => {
    const gateway = await startReplica();
    const candidateId = randomUUID();
    const other = randomUUID();
    const token = `Bearer ${await tokenFor({ role: 'candidate', subject: `c-${candidateId}`, candidateId })}`;

    const first = connect(gateway, token);
    const feed = follow(first.client, CANDIDATE);
    await live(feed);
    const firstId = await publish(Events.ExamSittingReleased, released(candidateId));
    await eventually(async () => feed.changes().length === 1 || undefined, 10_000, 'the first change');
    const [seen] = feed.changes();
    expect(seen).toMatchObject({ __typename: 'SittingResultReleased', eventId: firstId, candidateId });
    await first.client.dispose();

    // Three changes of the candidate while disconnected, between other candidates' changes, on two streams.
    const missed = [
      await publish(
        Events.ExamSittingReleased,
        released(candidateId, { passed: false, trainerEligible: false }),
      ),
    ];
    await publish(Events.ExamSittingReleased, released(other));
    missed.push(
      await publish(Events.CertificateIssued, {
        ...payloads.CertificateIssued,
        candidateId,
        number: 'F26-AAAA-BBBB',
      }),
    );
    await publish(Events.CertificateIssued, { ...payloads.CertificateIssued, candidateId: other });
    missed.push(
      await publish(Events.CertificateRevoked, {
        ...payloads.CertificateRevoked,
        candidateId,
        number: 'F26-AAAA-BBBB',
      }),
    );

    const again = connect(gateway, token);
    const resumed = follow(again.client, CANDIDATE, { after: seen.cursor });
    await eventually(async () => resumed.changes().length >= 3 || undefined, 10_000, 'the missed changes');
    const liveId = await publish(Events.ExamSittingVoided, {
      ...payloads.ExamSittingVoided,
      candidateId,
      reason: 'Malpractice',
    });
    await eventually(async () => resumed.changes().length >= 4 || undefined, 10_000, 'the live change');
    expect(resumed.changes().map((u) => u.eventId)).toEqual([...missed, liveId]);
    expect(resumed.changes().map((u) => u.__typename)).toEqual([
      'SittingResultReleased',
      'CertificateIssued',
      'CertificateRevoked',
      'SittingVoided',
    ]);
    expect(resumed.errors).toEqual([]);
    // each cursor is a later position than the one before
    expect(new Set(resumed.changes().map((u) => u.cursor)).size).toBe(4);
  });

  it('lets a client resume on another gateway replica with the cursor the first one gave', async () => {
    const [a, b] = [await startReplica(), await startReplica()];
    const rcbId = randomUUID();
    const { key } = await issueApiKey(rcbId, a, b);

    const onA = connect(a, key);
    const feed = follow(onA.client, RCB);
    const start = await live(feed);
    await onA.client.dispose();
    const change = (version: number) => ({
      ...payloads.CertificationChanged,
      rcbId,
      certificateNumber: 'RCB-REPLICA-1',
      version,
    });
    const missed = [
      await publish(Events.CertificationChanged, change(2)),
      await publish(Events.CertificationChanged, change(3)),
      await publish(Events.CertificationChanged, change(4)),
    ];
    const onB = connect(b, key);
    const resumed = follow(onB.client, RCB, { after: start });
    await eventually(
      async () => resumed.changes().length >= 3 || undefined,
      10_000,
      'the changes on replica b',
    );
    const closing = await publish(Events.RcbStatusChanged, { ...payloads.RcbStatusChanged, rcbId });
    await eventually(
      async () => resumed.changes().length >= 4 || undefined,
      10_000,
      'the appointment change',
    );
    expect(resumed.changes().map((u) => u.eventId)).toEqual([...missed, closing]);
    expect(resumed.changes().map((u) => u.version)).toEqual([2, 3, 4, undefined]);
  });

  it('never gives an RCB another RCB’s certifications, and gives the public only the status of the number asked', async () => {
    const gateway = await startReplica();
    const mine = randomUUID();
    const theirs = randomUUID();
    const { key } = await issueApiKey(mine, gateway);
    const rcb = follow(connect(gateway, key).client, RCB);
    const anonymous = connect(gateway);
    const watcher = follow(anonymous.client, CERTIFICATE_STATUS, { number: 'f26 aaaa cccc' });
    await Promise.all([live(rcb), live(watcher)]);

    await publish(Events.CertificationChanged, { ...payloads.CertificationChanged, rcbId: theirs });
    await publish(Events.RcbStatusChanged, { ...payloads.RcbStatusChanged, rcbId: theirs });
    await publish(Events.CertificateIssued, { ...payloads.CertificateIssued, number: 'F26-AAAA-DDDD' });
    const own = await publish(Events.CertificationChanged, { ...payloads.CertificationChanged, rcbId: mine });
    const issued = await publish(Events.CertificateIssued, {
      ...payloads.CertificateIssued,
      number: 'F26-AAAA-CCCC',
    });
    await eventually(async () => (rcb.changes().length && watcher.changes().length) || undefined, 10_000);
    // the others' events were stored first: arriving after them, our own proves theirs were left out
    expect(rcb.changes().map((u) => u.eventId)).toEqual([own]);
    expect(rcb.changes()[0]).toMatchObject({ rcbId: mine });
    expect(watcher.changes()).toEqual([
      {
        __typename: 'CertificateStatusChange',
        cursor: expect.any(String),
        eventId: issued,
        number: 'F26-AAAA-CCCC',
        status: 'ISSUED',
        changedAt: new Date(payloads.CertificateIssued.issuedAt).toISOString(),
      },
    ]);
  });

  it('gives both RCBs a transfer: the gaining one its change, the losing one that it lost it, then nothing more of it', async () => {
    const gateway = await startReplica();
    const losing = randomUUID();
    const gaining = randomUUID();
    const third = randomUUID();
    const TRANSFER_AWARE = `subscription { rcbChanged { __typename
      ... on CursorAdvanced { cursor }
      ... on OrganizationCertificationChanged { eventId certificateNumber rcbId previousRcbId change status version } } }`;
    const [lost, gained, other] = await Promise.all(
      [losing, gaining, third].map(async (rcbId) => {
        const { key } = await issueApiKey(rcbId, gateway);
        const feed = follow(connect(gateway, key).client, TRANSFER_AWARE);
        await live(feed);
        return feed;
      }),
    );
    const certificationId = randomUUID();
    const moved = await publish(Events.CertificationChanged, {
      ...payloads.CertificationChanged,
      certificationId,
      certificateNumber: 'ACC-T-9',
      rcbId: gaining,
      previousRcbId: losing,
      change: 'TRANSFERRED',
      status: 'CERTIFIED',
      version: 5,
    });
    const later = await publish(Events.CertificationChanged, {
      ...payloads.CertificationChanged,
      certificationId,
      certificateNumber: 'ACC-T-9',
      rcbId: gaining,
      previousRcbId: null,
      change: 'SUSPENDED',
      status: 'SUSPENDED',
      version: 6,
    });
    // an event recorded before previousRcbId existed reaches only its RCB
    const { previousRcbId: _absent, ...oldShape } = { ...payloads.CertificationChanged, rcbId: gaining };
    const old = await publish(Events.CertificationChanged, oldShape);
    await eventually(
      async () => (gained.changes().length >= 3 && lost.changes().length) || undefined,
      10_000,
    );
    expect(gained.changes().map((u) => [u.eventId, u.previousRcbId])).toEqual([
      [moved, losing],
      [later, null],
      [old, null],
    ]);
    expect(lost.changes()).toEqual([
      {
        __typename: 'OrganizationCertificationChanged',
        eventId: moved,
        certificateNumber: 'ACC-T-9',
        rcbId: gaining,
        previousRcbId: losing,
        change: 'TRANSFERRED',
        status: 'CERTIFIED',
        version: 5,
      },
    ]);
    expect(other.changes()).toEqual([]);
  });

  it('gives an ATO its own accreditation and its own candidates’ results, voids and certificates only', async () => {
    const gateway = await startReplica();
    const atoId = randomUUID();
    const token = `Bearer ${await tokenFor({ role: 'ato_staff', subject: 'ato-staff', atoId })}`;
    const feed = follow(connect(gateway, token).client, ATO);
    await live(feed);
    const elsewhere = randomUUID();
    await publish(Events.AtoStatusChanged, { ...payloads.AtoStatusChanged, atoId: elsewhere });
    await publish(Events.ExamSittingReleased, released(randomUUID(), { atoId: elsewhere }));
    await publish(Events.ExamSittingReleased, released(randomUUID(), { atoId: null }));
    // a void recorded before events named the ATO is nobody's
    await publish(Events.ExamSittingVoided, { ...payloads.ExamSittingVoided });
    const own = [
      await publish(Events.AtoStatusChanged, { ...payloads.AtoStatusChanged, atoId }),
      await publish(Events.ExamSittingReleased, released(randomUUID(), { atoId })),
      await publish(Events.ExamSittingVoided, { ...payloads.ExamSittingVoided, atoId }),
      await publish(Events.CertificateIssued, { ...payloads.CertificateIssued, atoId }),
      await publish(Events.CertificateRevoked, { ...payloads.CertificateRevoked, atoId }),
    ];
    await publish(Events.CertificateRevoked, { ...payloads.CertificateRevoked, atoId: elsewhere });
    await eventually(async () => feed.changes().length >= 5 || undefined, 10_000, 'the ATO’s changes');
    const last = await publish(Events.AtoStatusChanged, {
      ...payloads.AtoStatusChanged,
      atoId,
      status: 'SUSPENDED',
      previousStatus: 'ACCREDITED',
      reason: 'audit',
    });
    await eventually(async () => feed.changes().length >= 6 || undefined, 10_000, 'the suspension');
    expect(feed.changes().map((u) => u.eventId)).toEqual([...own, last]);
    expect(feed.changes()[5]).toMatchObject({ atoStatus: 'SUSPENDED', previousAtoStatus: 'ACCREDITED' });
  });

  it('refuses bad credentials at connection, the public from private feeds, and one viewer another’s feed', async () => {
    const gateway = await startReplica();
    const bad = connect(gateway, 'Bearer not-a-token');
    expect((await bad.closed).code).toBe(4401);

    const anonymous = follow(connect(gateway).client, CANDIDATE);
    await eventually(async () => anonymous.done || undefined);
    expect(codesOf(anonymous.errors)).toEqual(['UNAUTHENTICATED']);

    const candidateId = randomUUID();
    const token = `Bearer ${await tokenFor({ role: 'candidate', subject: 'c', candidateId })}`;
    const nosy = follow(connect(gateway, token).client, CANDIDATE, { candidateId: randomUUID() });
    await eventually(async () => nosy.done || undefined);
    expect(codesOf(nosy.errors)).toEqual(['FORBIDDEN']);

    const ato = `Bearer ${await tokenFor({ role: 'ato_staff', subject: 'a', atoId: randomUUID() })}`;
    const wrongRole = follow(connect(gateway, ato).client, RCB);
    await eventually(async () => wrongRole.done || undefined);
    expect(codesOf(wrongRole.errors)).toEqual(['FORBIDDEN']);

    const mistyped = follow(connect(gateway).client, CERTIFICATE_STATUS, { number: 26 });
    await eventually(async () => mistyped.done || undefined);
    expect(mistyped.errors).toEqual([
      expect.objectContaining({
        message: 'Variable "$number" got invalid value 26; String cannot represent a non string value: 26',
        extensions: { code: 'BAD_USER_INPUT' },
      }),
    ]);

    const garbled = follow(connect(gateway).client, CERTIFICATE_STATUS, { number: 'F26\u0007' });
    await eventually(async () => garbled.done || undefined);
    expect(codesOf(garbled.errors)).toEqual(['BAD_USER_INPUT']);

    const staff = `Bearer ${await tokenFor({ role: 'scheme_staff', subject: 's' })}`;
    const unnamed = follow(connect(gateway, staff).client, CANDIDATE);
    await eventually(async () => unnamed.done || undefined);
    expect(codesOf(unnamed.errors)).toEqual(['BAD_USER_INPUT']);
  });

  it('closes the connection of an API key within seconds of its revocation', async () => {
    const gateway = await startReplica();
    const rcbId = randomUUID();
    const { key, credentialId } = await issueApiKey(rcbId, gateway);
    const connection = connect(gateway, key);
    const feed = follow(connection.client, RCB);
    await live(feed);
    await publish(Events.CredentialRevoked, {
      credentialId,
      rcbId,
      revokedAt: new Date().toISOString(),
    });
    const closed = await connection.closed;
    expect(closed.code).toBe(4401);
    expect(closed.reason).toContain('revoked');
    await eventually(async () => gateway.subscriptions.feed.stats().readers === 0 || undefined);
    // and the key cannot connect again
    expect((await connect(gateway, key).closed).code).toBe(4401);
  });

  it('refuses a cursor older than the stream keeps with CURSOR_EXPIRED, and a made-up one as bad input', async () => {
    const gateway = await startReplica();
    const staff = `Bearer ${await tokenFor({ role: 'scheme_staff', subject: 's' })}`;
    const candidateId = randomUUID();
    const feed = follow(connect(gateway, staff).client, CANDIDATE, { candidateId });
    const cursor = await live(feed);
    await publish(Events.ExamSittingReleased, released(candidateId));
    await publish(Events.ExamSittingReleased, released(candidateId));
    // retention drops the oldest messages: a purge keeping the last one does the same to the stream
    const jsm = await nc.jetstreamManager();
    await jsm.streams.purge(streamNameFor(Events.ExamSittingReleased.subject, namespace), { keep: 1 });

    const expired = follow(connect(gateway, staff).client, CANDIDATE, { candidateId, after: cursor });
    await eventually(async () => expired.done || undefined);
    expect(codesOf(expired.errors)).toEqual(['CURSOR_EXPIRED']);

    const forged = follow(connect(gateway, staff).client, CANDIDATE, {
      candidateId,
      after: 'v1.bm90LWEtY3Vyc29y',
    });
    await eventually(async () => forged.done || undefined);
    expect(codesOf(forged.errors)).toEqual(['BAD_USER_INPUT']);
  });

  it('brings a quiet subscriber’s cursor forward while others’ changes go by, so resuming replays none of them', async () => {
    const gateway = await startReplica({ GATEWAY_SUBSCRIPTION_PROGRESS_MS: '200' });
    const staff = `Bearer ${await tokenFor({ role: 'scheme_staff', subject: 's' })}`;
    const candidateId = randomUUID();
    const feed = follow(connect(gateway, staff).client, CANDIDATE, { candidateId });
    const start = await live(feed);
    for (let i = 0; i < 3; i++) await publish(Events.ExamSittingReleased, released(randomUUID()));
    const advanced = await eventually(
      async () => feed.updates.find((u) => u.__typename === 'CursorAdvanced' && u.cursor !== start),
      10_000,
      'a CursorAdvanced',
    );
    expect(feed.changes()).toEqual([]);
    const own = await publish(Events.ExamSittingReleased, released(candidateId));
    const resumed = follow(connect(gateway, staff).client, CANDIDATE, {
      candidateId,
      after: advanced.cursor,
    });
    await eventually(async () => resumed.changes().length || undefined, 10_000, 'the own change');
    expect(resumed.changes().map((u) => u.eventId)).toEqual([own]);
  });

  it('tells a cursor into a recreated stream and one past its end from a current one', async () => {
    const gateway = await startReplica();
    const staff = `Bearer ${await tokenFor({ role: 'scheme_staff', subject: 's' })}`;
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(streamNameFor(Events.ExamSittingReleased.subject, namespace));
    const certificates = await jsm.streams.info(streamNameFor(Events.CertificateIssued.subject, namespace));
    const created = Date.parse(info.created);
    const cursor = (examSeq: number, examCreated: number) =>
      encodeFeedCursor({
        exam: { seq: examSeq, created: examCreated },
        certificate: { seq: certificates.state.last_seq, created: Date.parse(certificates.created) },
      });
    const answer = async (after: string) => {
      const feed = follow(connect(gateway, staff).client, CANDIDATE, { candidateId: randomUUID(), after });
      await eventually(async () => feed.done || feed.updates.length || undefined);
      feed.stop();
      return feed.errors.length ? codesOf(feed.errors) : 'accepted';
    };
    expect(await answer(cursor(info.state.last_seq, created + 1))).toEqual(['CURSOR_EXPIRED']);
    expect(await answer(cursor(info.state.last_seq + 1_000, created))).toEqual(['BAD_USER_INPUT']);
    await publish(Events.ExamSittingReleased, released(randomUUID()));
    // a current cursor with nothing of the candidate's since: accepted, brought forward, nothing sent
    const feed = follow(connect(gateway, staff).client, CANDIDATE, {
      candidateId: randomUUID(),
      after: cursor(info.state.last_seq, created),
    });
    await eventually(async () => feed.updates.length || undefined, 10_000, 'the cursor brought forward');
    expect(feed.errors).toEqual([]);
  });

  it('closes its connections with 1001 when the gateway shuts down, so clients resume elsewhere', async () => {
    const gateway = await startReplica();
    const connection = connect(gateway);
    await live(follow(connection.client, CERTIFICATE_STATUS, { number: 'F26-AAAA-0009' }));
    await gateway.subscriptions.close();
    expect((await connection.closed).code).toBe(1001);
    expect(gateway.subscriptions.feed.stats()).toEqual({ readers: 0, tails: 0 });
  });

  it('budgets how many subscriptions one client starts, per credential or per address', async () => {
    const gateway = await startReplica({
      GATEWAY_SUBSCRIBE_RATE_BURST: '2',
      GATEWAY_SUBSCRIBE_RATE_PER_MINUTE: '1',
    });
    const started = [1, 2, 3].map((n) =>
      follow(connect(gateway).client, CERTIFICATE_STATUS, { number: `F26-AAAA-010${n}` }),
    );
    await Promise.all(started.slice(0, 2).map(live));
    await eventually(async () => started[2].done || undefined);
    expect(started[2].errors).toEqual([
      expect.objectContaining({ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 60 } }),
    ]);
    // a signed-in client has a budget of its own
    const staff = `Bearer ${await tokenFor({ role: 'scheme_staff', subject: 'budgeted-staff' })}`;
    await live(follow(connect(gateway, staff).client, CERTIFICATE_STATUS, { number: 'F26-AAAA-0104' }));
  });

  it('limits subscriptions per connection and the size of a client message', async () => {
    const gateway = await startReplica({
      GATEWAY_MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
      GATEWAY_MAX_WS_MESSAGE_BYTES: '4096',
    });
    const connection = connect(gateway);
    const feeds = ['F26-AAAA-0001', 'F26-AAAA-0002', 'F26-AAAA-0003'].map((number) =>
      follow(connection.client, CERTIFICATE_STATUS, { number }),
    );
    await Promise.all(feeds.slice(0, 2).map(live));
    await eventually(async () => feeds[2].done || undefined);
    expect(codesOf(feeds[2].errors)).toEqual(['SUBSCRIPTION_LIMIT_EXCEEDED']);

    const big = connect(gateway);
    follow(big.client, CERTIFICATE_STATUS, { number: 'F'.repeat(8_000) });
    expect((await big.closed).code).toBe(1009);
  });
});
