import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { type NatsConnection, type Subscription } from 'nats';
import pino from 'pino';
import {
  createAuthenticator,
  createCredentialStore,
  generateRcbCredential,
  generateRelyingPartyKey,
  serveRelyingPartyKeySnapshots,
  type AuthLogger,
  type CredentialStore,
  type RcbCredential,
} from '../src';
import { connectTestNats, eventually, sleep } from '@iso20000/testing';

interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg?: string;
}

function recordingLogger(): AuthLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (obj: object, msg?: string) => entries.push({ level, obj, msg });
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

// Any pino logger is an AuthLogger.
const silent: AuthLogger = pino({ level: 'silent' });

/** RCB ids are uuids on the bus, as accreditation issues them. */
const rcbIdOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('credential store (NATS JetStream)', () => {
  let nc: NatsConnection;
  const stores: CredentialStore[] = [];
  const streams: string[] = [];

  // A namespace (and so a stream) per test: tests and test files run in parallel and repeatedly.
  function namespace(): { ns: string; stream: string } {
    const ns = `authtest_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    return { ns, stream: `${ns.toUpperCase()}_ACCREDITATION` };
  }

  async function createStream(ns: string, stream: string): Promise<void> {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: stream, subjects: [`${ns}.accreditation.>`] });
    streams.push(stream);
  }

  async function publish(ns: string, subject: string, payload: unknown): Promise<void> {
    const id = randomUUID();
    const envelope = { id, subject, version: 1, occurredAt: new Date().toISOString(), payload };
    await nc.jetstream().publish(`${ns}.${subject}`, JSON.stringify(envelope), { msgID: id });
  }

  function issue(ns: string, credential: RcbCredential, rcbId: string) {
    return publish(ns, 'accreditation.credential.issued', {
      credentialId: credential.id,
      rcbId,
      secretHash: credential.secretHash,
      label: 'bulk upload',
      issuedAt: new Date().toISOString(),
    });
  }

  function revoke(ns: string, credential: RcbCredential, rcbId: string) {
    return publish(ns, 'accreditation.credential.revoked', {
      credentialId: credential.id,
      rcbId,
      revokedAt: new Date().toISOString(),
    });
  }

  async function openStore(
    ns: string,
    overrides: Partial<Parameters<typeof createCredentialStore>[0]> = {},
  ): Promise<CredentialStore> {
    const store = await createCredentialStore({
      nc,
      namespace: ns,
      logger: silent,
      name: 'auth-test',
      ...overrides,
    });
    stores.push(store);
    return store;
  }

  beforeAll(async () => {
    nc = await connectTestNats();
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });

  afterAll(async () => {
    const jsm = await nc.jetstreamManager();
    await Promise.all(streams.map((stream) => jsm.streams.delete(stream).catch(() => false)));
    await nc.drain();
  });

  it('verifies an issued credential, forgets it on revocation within a second, and a new store learns both', async () => {
    const { ns, stream } = namespace();
    await createStream(ns, stream);
    const kept = generateRcbCredential();
    const revoked = generateRcbCredential();
    const store = await openStore(ns);
    await store.ready();

    await issue(ns, kept, rcbIdOf(1));
    await issue(ns, revoked, rcbIdOf(2));
    await expect(
      eventually(
        async () => {
          const v = await store.verify(revoked.apiKey);
          return v !== null ? v : undefined;
        },
        1_000,
        'the issued credential',
      ),
    ).resolves.toEqual({
      credentialId: revoked.id,
      rcbId: rcbIdOf(2),
    });
    await expect(store.verify(kept.apiKey)).resolves.toEqual({ credentialId: kept.id, rcbId: rcbIdOf(1) });

    const revokedAt = Date.now();
    await revoke(ns, revoked, rcbIdOf(2));
    await expect(
      eventually(
        async () => {
          const v = await store.verify(revoked.apiKey);
          return v === null ? v : undefined;
        },
        1_000,
        'the revocation',
      ),
    ).resolves.toBeNull();
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
    await expect(store.verify(kept.apiKey)).resolves.toEqual({ credentialId: kept.id, rcbId: rcbIdOf(1) });

    // A process started later replays the whole stream: right answers as soon as it is ready, no polling.
    const later = await openStore(ns, { name: 'later' });
    await later.ready();
    await expect(later.verify(kept.apiKey)).resolves.toEqual({ credentialId: kept.id, rcbId: rcbIdOf(1) });
    await expect(later.verify(revoked.apiKey)).resolves.toBeNull();
  });

  it("follows notifications' relying-party keys beside RCB credentials: accepted once issued, refused within a second of revocation", async () => {
    const { ns, stream } = namespace();
    await createStream(ns, stream);
    const jsm = await nc.jetstreamManager();
    const notifications = `${ns.toUpperCase()}_NOTIFICATIONS`;
    const store = await openStore(ns, { retryIntervalMs: 100 });
    // RCB keys do not wait for a stream they do not need
    await store.ready();
    const rcbKey = generateRcbCredential();
    await issue(ns, rcbKey, rcbIdOf(3));
    await eventually(async () => (await store.verify(rcbKey.apiKey)) ?? undefined, 1_000, 'the RCB key');

    await jsm.streams.add({ name: notifications, subjects: [`${ns}.notifications.>`] });
    streams.push(notifications);
    const kept = generateRelyingPartyKey();
    const revoked = generateRelyingPartyKey();
    for (const key of [kept, revoked])
      await publish(ns, 'notifications.relying-party.key-issued', {
        relyingPartyId: key.id,
        secretHash: key.secretHash,
        name: 'Tender platform',
        issuedAt: new Date().toISOString(),
      });
    await store.ready('relying-party');
    await expect(
      eventually(
        async () => (await store.verify(revoked.apiKey)) ?? undefined,
        2_000,
        'the relying-party key',
      ),
    ).resolves.toEqual({ credentialId: revoked.id, relyingPartyId: revoked.id });
    // a relying party's secret is no RCB's, and an RCB's id in a relying party's key is nobody
    await expect(store.verify(`rpk_${kept.id.replace(/-/g, '')}_${revoked.secret}`)).resolves.toBeNull();
    await expect(store.verify(`rpk_${rcbKey.id.replace(/-/g, '')}_${rcbKey.secret}`)).resolves.toBeNull();

    const revokedAt = Date.now();
    await publish(ns, 'notifications.relying-party.key-revoked', {
      relyingPartyId: revoked.id,
      revokedAt: new Date().toISOString(),
    });
    await eventually(
      async () => ((await store.verify(revoked.apiKey)) === null ? true : undefined),
      1_000,
      'the revocation',
    );
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
    await expect(store.verify(kept.apiKey)).resolves.toEqual({
      credentialId: kept.id,
      relyingPartyId: kept.id,
    });

    // a process started later replays both streams
    const later = await openStore(ns, { name: 'later' });
    await later.ready('relying-party');
    await expect(later.verify(kept.apiKey)).resolves.toEqual({
      credentialId: kept.id,
      relyingPartyId: kept.id,
    });
    await expect(later.verify(revoked.apiKey)).resolves.toBeNull();
    await expect(later.verify(rcbKey.apiKey)).resolves.toEqual({
      credentialId: rcbKey.id,
      rcbId: rcbIdOf(3),
    });
  });

  it("takes relying-party keys from notifications' snapshot when the stream has none", async () => {
    const { ns, stream } = namespace();
    await createStream(ns, stream);
    const jsm = await nc.jetstreamManager();
    const notifications = `${ns.toUpperCase()}_NOTIFICATIONS`;
    await jsm.streams.add({ name: notifications, subjects: [`${ns}.notifications.>`] });
    streams.push(notifications);
    const kept = generateRelyingPartyKey();
    const revoked = generateRelyingPartyKey();
    const responder = serveRelyingPartyKeySnapshots({
      nc,
      namespace: ns,
      logger: silent,
      load: () =>
        Promise.resolve({
          keys: [{ relyingPartyId: kept.id, secretHash: kept.secretHash }],
          revoked: [revoked.id],
        }),
    });
    responder.start();
    try {
      await nc.flush();
      const store = await openStore(ns);
      await store.ready('relying-party');
      await expect(store.verify(kept.apiKey)).resolves.toEqual({
        credentialId: kept.id,
        relyingPartyId: kept.id,
      });
      await expect(store.verify(revoked.apiKey)).resolves.toBeNull();
    } finally {
      await responder.stop();
    }
  });

  it('refuses a wrong secret, an unknown credential and a malformed key', async () => {
    const { ns, stream } = namespace();
    await createStream(ns, stream);
    const credential = generateRcbCredential();
    const stranger = generateRcbCredential();
    await issue(ns, credential, rcbIdOf(1));
    const store = await openStore(ns);
    await store.ready();

    await expect(store.verify(credential.apiKey)).resolves.toEqual({
      credentialId: credential.id,
      rcbId: rcbIdOf(1),
    });
    const wrongSecret = `rcbk_${credential.id.replace(/-/g, '')}_${stranger.secret}`;
    await expect(store.verify(wrongSecret)).resolves.toBeNull();
    await expect(store.verify(stranger.apiKey)).resolves.toBeNull();
    await expect(store.verify('rcbk_nope')).resolves.toBeNull();
  });

  it('publishes usage at most once per credential per interval', async () => {
    const { ns, stream } = namespace();
    await createStream(ns, stream);
    const a = generateRcbCredential();
    const b = generateRcbCredential();
    await issue(ns, a, rcbIdOf(1));
    await issue(ns, b, rcbIdOf(1));
    const usages: unknown[] = [];
    const sub: Subscription = nc.subscribe(`${ns}.accreditation.credential.used`, {
      callback: (_err, msg) => usages.push(JSON.parse(new TextDecoder().decode(msg.data))),
    });
    await nc.flush();
    const store = await openStore(ns, { usageIntervalMs: 300 });
    await store.ready();

    await store.verify(a.apiKey);
    await store.verify(a.apiKey);
    await store.verify(b.apiKey);
    await store.verify(`rcbk_${b.id.replace(/-/g, '')}_${a.secret}`); // failed verification: not a use
    await nc.flush();
    await eventually(
      async () => {
        const n = usages.length;
        return n >= 2 ? n : undefined;
      },
      1_000,
      'two usage events',
    );
    await sleep(100);
    expect(usages).toHaveLength(2);
    expect(usages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          subject: 'accreditation.credential.used',
          version: 1,
          payload: { credentialId: a.id, usedAt: expect.any(String) },
        }),
        expect.objectContaining({ payload: { credentialId: b.id, usedAt: expect.any(String) } }),
      ]),
    );

    await sleep(350);
    await store.verify(a.apiKey);
    await eventually(
      async () => {
        const n = usages.length;
        return n >= 3 ? n : undefined;
      },
      1_000,
      'a third usage event',
    );
    expect(usages).toHaveLength(3);
    sub.unsubscribe();
  });

  it('waits for a stream that does not exist yet, logging once, and follows it once created', async () => {
    const { ns, stream } = namespace();
    const logger = recordingLogger();
    const credential = generateRcbCredential();
    const store = await openStore(ns, { logger, retryIntervalMs: 100, readyTimeoutMs: 200 });

    const early = await store.verify(credential.apiKey).then(
      () => 'answered',
      (error: unknown) => (error instanceof GraphQLError ? error.extensions.code : error),
    );
    expect(early).toBe('SERVICE_UNAVAILABLE');
    await sleep(400);
    // once about the stream, once about accreditation's snapshot (nobody answers here), however many retries
    expect(logger.entries.filter((e) => e.level === 'warn').map((e) => e.msg)).toEqual(
      expect.arrayContaining([
        'credential stream not available yet; API keys are refused until it is',
        'no credential snapshot from accreditation',
      ]),
    );
    // (the relying-party keys' stream and snapshot are another copy, with warnings of their own)
    const aboutRcbKeys = (e: LogEntry) => !/relying-party|notifications/.test(e.msg ?? '');
    expect(logger.entries.filter((e) => e.level === 'warn' && aboutRcbKeys(e))).toHaveLength(2);

    await createStream(ns, stream);
    await issue(ns, credential, rcbIdOf(9));
    await store.ready();
    await expect(
      eventually(
        async () => {
          const v = await store.verify(credential.apiKey);
          return v !== null ? v : undefined;
        },
        2_000,
        'the credential once the stream exists',
      ),
    ).resolves.toEqual({
      credentialId: credential.id,
      rcbId: rcbIdOf(9),
    });
  });

  it('skips events it cannot read and keeps following', async () => {
    const { ns, stream } = namespace();
    await createStream(ns, stream);
    const logger = recordingLogger();
    const credential = generateRcbCredential();
    await nc.jetstream().publish(`${ns}.accreditation.credential.issued`, 'not json');
    await publish(ns, 'accreditation.credential.issued', {
      credentialId: 'not-a-uuid',
      rcbId: rcbIdOf(1),
      secretHash: 'x',
      issuedAt: 'now',
    });
    await publish(ns, 'accreditation.rcb.appointed', { rcbId: rcbIdOf(1) });
    await issue(ns, credential, rcbIdOf(1));
    const store = await openStore(ns, { logger });
    await store.ready();

    await expect(store.verify(credential.apiKey)).resolves.toEqual({
      credentialId: credential.id,
      rcbId: rcbIdOf(1),
    });
    expect(logger.entries.filter((e) => e.level === 'error')).toHaveLength(2);
  });

  it('keeps a revoked credential revoked even if an issued event for it arrives afterwards', async () => {
    const { ns, stream } = namespace();
    await createStream(ns, stream);
    const credential = generateRcbCredential();
    const sentinel = generateRcbCredential();
    const store = await openStore(ns);
    await store.ready();
    await issue(ns, credential, rcbIdOf(1));
    await expect(
      eventually(
        async () => {
          const v = await store.verify(credential.apiKey);
          return v !== null ? v : undefined;
        },
        1_000,
        'the issued credential',
      ),
    ).resolves.not.toBeNull();
    await revoke(ns, credential, rcbIdOf(1));
    await expect(
      eventually(
        async () => {
          const v = await store.verify(credential.apiKey);
          return v === null ? v : undefined;
        },
        1_000,
        'the revocation',
      ),
    ).resolves.toBeNull();

    await issue(ns, credential, rcbIdOf(1));
    // Issued events are applied in stream order: once the sentinel is known, the re-issue has been seen.
    await issue(ns, sentinel, rcbIdOf(1));
    await expect(
      eventually(
        async () => {
          const v = await store.verify(sentinel.apiKey);
          return v !== null ? v : undefined;
        },
        1_000,
        'the sentinel credential',
      ),
    ).resolves.not.toBeNull();
    await expect(store.verify(credential.apiKey)).resolves.toBeNull();

    const later = await openStore(ns, { name: 'later' });
    await later.ready();
    await expect(later.verify(sentinel.apiKey)).resolves.not.toBeNull();
    await expect(later.verify(credential.apiKey)).resolves.toBeNull();
  });

  it('lets the authenticator admit an RCB integration by API key until the key is revoked', async () => {
    const { ns, stream } = namespace();
    await createStream(ns, stream);
    const credential = generateRcbCredential();
    await issue(ns, credential, rcbIdOf(5));
    const store = await openStore(ns);
    await store.ready();
    const auth = createAuthenticator({ devSecret: 'unused-in-this-test', credentials: store });

    await expect(auth.authenticate(`ApiKey ${credential.apiKey}`)).resolves.toEqual({
      role: 'rcb_integration',
      subject: `credential:${credential.id}`,
      rcbId: rcbIdOf(5),
      credentialId: credential.id,
    });

    await revoke(ns, credential, rcbIdOf(5));
    const outcome = await eventually(
      async () => {
        const value = await auth.authenticate(`ApiKey ${credential.apiKey}`).then(
          () => 'admitted',
          (error: unknown) =>
            error instanceof GraphQLError ? `${error.extensions.code}: ${error.message}` : String(error),
        );
        return value !== 'admitted' ? value : undefined;
      },
      1_000,
      'the revoked key refused',
    );
    expect(outcome).toBe('UNAUTHENTICATED: The API key is unknown or has been revoked');
    await expect(auth.authenticate('ApiKey rcbk_short')).rejects.toThrow('The API key is malformed');
  });
});
