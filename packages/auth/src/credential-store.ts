import { randomUUID } from 'node:crypto';
import { ConsumerEvents, type Consumer, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import {
  Events,
  parseEventEnvelope,
  streamNameFor,
  wireSubject,
  type EventDefinition,
} from '@iso20000/events';
import { authenticationUnavailable } from './auth-errors';
import type { AuthLogger } from './auth-logger';
import type { CredentialVerifier } from './authenticator';
import {
  requestCredentialSnapshot,
  requestRelyingPartyKeySnapshot,
  type CredentialSnapshot,
  type RelyingPartyKeySnapshot,
} from './credential-snapshot';
import { parseApiKey, secretMatchesHash } from './rcb-credential';
import { parseRelyingPartyKey } from './relying-party-key';

export interface CredentialStoreOptions {
  nc: NatsConnection;
  /** EVENTS_NAMESPACE: subjects become `<namespace>.<subject>`, the stream `<NAMESPACE>_ACCREDITATION`. */
  namespace?: string;
  logger: AuthLogger;
  /** Names the ephemeral consumer after the process following the stream (e.g. 'gateway'), for operators. */
  name?: string;
  /** At most one `accreditation.credential.used` per credential per interval. Default 60 000 ms. */
  usageIntervalMs?: number;
  /** How long verify() waits for the initial replay before answering SERVICE_UNAVAILABLE. Default 5 000 ms. */
  readyTimeoutMs?: number;
  /** Pause between attempts while the stream does not exist yet. Default 1 000 ms. */
  retryIntervalMs?: number;
  /**
   * How old the last proof that the copy is current (every credential event in the stream applied)
   * may be before verify() refuses API keys with SERVICE_UNAVAILABLE: a revocation published while
   * this process is cut off from JetStream must not leave the revoked key working. Default 10 000 ms.
   */
  maxStalenessMs?: number;
}

export interface CredentialStore extends CredentialVerifier {
  /**
   * Resolves once every RCB credential event published before the store started has been applied
   * (`'relying-party'`: every relying-party key event of notifications' stream, which may come later).
   */
  ready(kind?: 'rcb' | 'relying-party'): Promise<void>;
  close(): Promise<void>;
}

interface KnownCredential {
  /** The RCB (an RCB credential) or the relying party (its key). */
  ownerId: string;
  secretHash: string;
}

/**
 * Follows accreditation's credential events, and notifications' relying-party key events, each with
 * ordered (ephemeral, in-memory) consumers that replay the stream from its first message, so every
 * process knows every key and sees revocations within seconds. The two copies are independent: each
 * is ready, and proven current, on its own, so a missing NOTIFICATIONS stream never stops RCB keys.
 */
export async function createCredentialStore(options: CredentialStoreOptions): Promise<CredentialStore> {
  const { nc, namespace, logger } = options;
  const usageIntervalMs = options.usageIntervalMs ?? 60_000;
  const readyTimeoutMs = options.readyTimeoutMs ?? 5_000;
  const retryIntervalMs = options.retryIntervalMs ?? 1_000;
  const maxStalenessMs = options.maxStalenessMs ?? 10_000;
  // Several proofs per bound, so one slow answer does not make a healthy copy look stale.
  const freshnessCheckMs = Math.max(50, Math.min(1_000, Math.floor(maxStalenessMs / 4)));
  const usedSubject = wireSubject(Events.CredentialUsed.subject, namespace);
  const lastUsagePublished = new Map<string, number>();

  let closed = false;
  let markClosing!: () => void;
  const closing = new Promise<void>((resolve) => (markClosing = resolve));
  const wakeSleepers = new Set<() => void>();
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  function sleep(ms: number): Promise<void> {
    if (closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakeSleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakeSleepers.add(wake);
    });
  }

  /** The payload of an event as the catalogue defines it, or undefined (logged) if it is not one. */
  function readEvent<T>(def: EventDefinition<T>, message: JsMsg): T | undefined {
    try {
      return parseEventEnvelope(def, JSON.parse(decoder.decode(message.data))).payload;
    } catch (error) {
      logger.error(
        { err: error, subject: message.subject, seq: message.seq },
        `skipping an invalid ${def.subject} event`,
      );
      return undefined;
    }
  }

  // After the first unanswered request, retries are logged at debug level only.
  const quiet: AuthLogger = {
    debug: (obj, msg) => logger.debug(obj, msg),
    info: (obj, msg) => logger.info(obj, msg),
    warn: (obj, msg) => logger.debug(obj, msg),
    error: (obj, msg) => logger.error(obj, msg),
  };

  interface Replica {
    /** Id -> owner and hash; only ids not revoked. */
    active: Map<string, KnownCredential>;
    ready: Promise<void>;
    /** Throws SERVICE_UNAVAILABLE unless this copy was shown current within maxStalenessMs. */
    assertCurrent(): void;
    waitUntilReady(): Promise<void>;
    /** Resolves when its followers, freshness checks and snapshot requests have ended (after close). */
    ended(): Promise<void>;
    stop(): void;
    deleteConsumers(): Promise<void>;
  }

  /**
   * One owner's keys: its issued and revoked events followed from its stream, its snapshot asked at
   * start, and the proof that the copy holds everything the stream holds.
   */
  function replicate<I, R>(spec: {
    what: string;
    issued: EventDefinition<I>;
    revoked: EventDefinition<R>;
    issuedKey: (payload: I) => { id: string } & KnownCredential;
    revokedId: (payload: R) => string;
    snapshot: (
      log: AuthLogger,
    ) => Promise<{ active: ({ id: string } & KnownCredential)[]; revoked: string[] } | undefined>;
    streamWaitMessage: string;
  }): Replica {
    const streamName = streamNameFor(spec.issued.subject, namespace);
    const issuedSubject = wireSubject(spec.issued.subject, namespace);
    const revokedSubject = wireSubject(spec.revoked.subject, namespace);
    const active = new Map<string, KnownCredential>();
    // Sticky: an id once revoked stays revoked, even if an issued event for it were replayed later.
    const revoked = new Set<string>();
    // Stream sequence of the last message applied, per followed subject.
    const appliedSeq = new Map<string, number>();
    // When the copy was last shown to hold everything the stream holds (0: never).
    let currentAt = 0;
    let waitingLogged = false;
    const followers: { consumer?: Consumer; messages?: ConsumerMessages }[] = [];

    let isReady = false;
    let markReady!: () => void;
    const readyPromise = new Promise<void>((resolve) => {
      markReady = () => {
        if (isReady) return;
        isReady = true;
        currentAt = Date.now();
        logger.info(
          { stream: streamName, credentials: active.size, revoked: revoked.size },
          `${spec.what} store caught up`,
        );
        resolve();
      };
    });

    function activate(key: { id: string } & KnownCredential): void {
      const id = key.id.toLowerCase();
      if (!revoked.has(id))
        active.set(id, { ownerId: key.ownerId, secretHash: key.secretHash.toLowerCase() });
    }

    function revoke(rawId: string): void {
      const id = rawId.toLowerCase();
      revoked.add(id);
      active.delete(id);
    }

    async function openConsumer(subject: string): Promise<Consumer | undefined> {
      while (!closed) {
        try {
          return await nc.jetstream().consumers.get(streamName, {
            filterSubjects: subject,
            ...(options.name
              ? { name_prefix: `${options.name.replace(/[^A-Za-z0-9_-]/g, '_')}_credentials_` }
              : {}),
          });
        } catch (error) {
          // The owner (or ensureStreams) creates the stream; until then, wait rather than create it with our guess of its config.
          if (!waitingLogged) {
            logger.warn({ err: error, stream: streamName }, spec.streamWaitMessage);
            waitingLogged = true;
          }
          await sleep(retryIntervalMs);
        }
      }
      return undefined;
    }

    async function watchStatus(source: ConsumerMessages): Promise<void> {
      for await (const status of await source.status()) {
        if (
          status.type === ConsumerEvents.StreamNotFound ||
          status.type === ConsumerEvents.HeartbeatsMissed
        ) {
          logger.warn(
            { stream: streamName, status: status.type, data: status.data },
            `${spec.what} stream interrupted; retrying`,
          );
        } else {
          logger.debug(
            { stream: streamName, status: status.type, data: status.data },
            `${spec.what} consumer status`,
          );
        }
      }
    }

    /** Replays one subject from the start and keeps following it; resolves `caughtUp` once the replay is done. */
    async function follow(
      subject: string,
      apply: (message: JsMsg) => void,
      caughtUp: () => void,
    ): Promise<void> {
      const follower: (typeof followers)[number] = {};
      followers.push(follower);
      const consumer = await openConsumer(subject);
      if (!consumer || closed) return;
      follower.consumer = consumer;
      const messages = await consumer.consume();
      follower.messages = messages;
      if (closed) {
        messages.stop();
        return;
      }
      watchStatus(messages).catch((error: unknown) =>
        logger.debug({ err: error }, `${spec.what} status watch ended`),
      );
      // num_pending when the consumer was created: nothing to replay means caught up already.
      const info = await consumer.info(true);
      if (info.num_pending === 0) caughtUp();
      for await (const message of messages) {
        apply(message);
        appliedSeq.set(subject, message.seq);
        if (message.info.pending === 0) caughtUp();
      }
    }

    // One ordered consumer per event rather than one on the owner's whole subject space: the stream holds
    // other events (credential.used, for one), and replay time must not grow with them. Servers before 2.10
    // allow one filter per consumer. Revocation being sticky makes the order between the two irrelevant.
    let issuedCaughtUp = false;
    let revokedCaughtUp = false;
    let snapshotAsked = false;
    const readyIfAll = () => {
      if (issuedCaughtUp && revokedCaughtUp && snapshotAsked) markReady();
    };

    // The owner's current set, beside the replay: a stream that lost its data (or a stream not there)
    // must not make this process forget every key. Union with the stream is safe, revocation being sticky.
    const snapshotting = (async () => {
      while (!closed) {
        const snapshot = await spec.snapshot(snapshotAsked ? quiet : logger);
        if (snapshot) {
          for (const id of snapshot.revoked) revoke(id);
          for (const key of snapshot.active) activate(key);
          logger.info(
            { credentials: snapshot.active.length, revoked: snapshot.revoked.length, stream: streamName },
            `${spec.what} snapshot applied`,
          );
        }
        snapshotAsked = true;
        readyIfAll();
        if (snapshot) return;
        await sleep(retryIntervalMs);
      }
    })();

    const following = Promise.all([
      follow(
        issuedSubject,
        (message) => {
          const payload = readEvent(spec.issued, message);
          if (payload) activate(spec.issuedKey(payload));
        },
        () => {
          issuedCaughtUp = true;
          readyIfAll();
        },
      ),
      follow(
        revokedSubject,
        (message) => {
          const payload = readEvent(spec.revoked, message);
          if (payload) revoke(spec.revokedId(payload));
        },
        () => {
          revokedCaughtUp = true;
          readyIfAll();
        },
      ),
    ]).catch((error: unknown) => {
      if (!closed)
        logger.error({ err: error, stream: streamName }, `${spec.what} store stopped following the stream`);
    });

    /**
     * Proves the copy current by asking JetStream for the last sequence of each followed subject: if
     * every one is applied, the copy was current when the question was asked. No answer proves nothing.
     */
    async function confirmCurrent(): Promise<void> {
      const askedAt = Date.now();
      const jsm = await nc.jetstreamManager({ timeout: Math.max(100, Math.min(2_000, maxStalenessMs / 2)) });
      for (const subject of [issuedSubject, revokedSubject]) {
        let lastSeq = 0;
        try {
          lastSeq = (await jsm.streams.getMessage(streamName, { last_by_subj: subject })).seq;
        } catch (error) {
          // "no message found": nothing published on that subject yet; anything else is no proof
          if (!/no message found/i.test(String((error as Error).message))) throw error;
        }
        if ((appliedSeq.get(subject) ?? 0) < lastSeq) return;
      }
      currentAt = Math.max(currentAt, askedAt);
    }

    const freshness = (async () => {
      // a store closed before it was ever ready must not wait for readiness
      await Promise.race([readyPromise, closing]);
      while (!closed) {
        try {
          await confirmCurrent();
        } catch (error) {
          logger.debug({ err: error, stream: streamName }, `${spec.what} copy not confirmed current`);
        }
        await sleep(freshnessCheckMs);
      }
    })();

    return {
      active,
      ready: readyPromise,
      assertCurrent() {
        const age = Date.now() - currentAt;
        if (age <= maxStalenessMs) return;
        logger.warn(
          { stream: streamName, ageMs: age, maxStalenessMs },
          `${spec.what} copy not known to be current; refusing API keys`,
        );
        throw authenticationUnavailable(
          'API keys cannot be checked against current revocations right now; try again shortly',
          Math.max(1, Math.ceil(freshnessCheckMs / 1000)),
        );
      },
      async waitUntilReady() {
        if (isReady) return;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), readyTimeoutMs);
        });
        const outcome = await Promise.race([readyPromise, timeout]);
        clearTimeout(timer);
        if (outcome === 'timeout')
          throw authenticationUnavailable('API keys cannot be checked yet; try again shortly');
      },
      async ended() {
        await Promise.all([following, freshness, snapshotting]);
      },
      stop() {
        for (const follower of followers) follower.messages?.stop();
      },
      async deleteConsumers() {
        // Ordered consumers vanish on their own after inactivity; deleting now just tidies up.
        await Promise.all(followers.map((follower) => follower.consumer?.delete().catch(() => false)));
      },
    };
  }

  const snapshotTimeoutMs = Math.max(100, Math.floor(readyTimeoutMs / 2));
  const rcb = replicate({
    what: 'credential',
    issued: Events.CredentialIssued,
    revoked: Events.CredentialRevoked,
    issuedKey: (p) => ({ id: p.credentialId, ownerId: p.rcbId, secretHash: p.secretHash }),
    revokedId: (p) => p.credentialId,
    streamWaitMessage: 'credential stream not available yet; API keys are refused until it is',
    snapshot: async (log) => {
      const snapshot: CredentialSnapshot | undefined = await requestCredentialSnapshot(
        nc,
        namespace,
        log,
        snapshotTimeoutMs,
      );
      return (
        snapshot && {
          active: snapshot.credentials.map((c) => ({
            id: c.credentialId,
            ownerId: c.rcbId,
            secretHash: c.secretHash,
          })),
          revoked: snapshot.revoked,
        }
      );
    },
  });
  const relyingParties = replicate({
    what: 'relying-party key',
    issued: Events.RelyingPartyKeyIssued,
    revoked: Events.RelyingPartyKeyRevoked,
    issuedKey: (p) => ({ id: p.relyingPartyId, ownerId: p.relyingPartyId, secretHash: p.secretHash }),
    revokedId: (p) => p.relyingPartyId,
    streamWaitMessage:
      'relying-party key stream not available yet; relying-party keys are refused until it is',
    snapshot: async (log) => {
      const snapshot: RelyingPartyKeySnapshot | undefined = await requestRelyingPartyKeySnapshot(
        nc,
        namespace,
        log,
        snapshotTimeoutMs,
      );
      return (
        snapshot && {
          active: snapshot.keys.map((k) => ({
            id: k.relyingPartyId,
            ownerId: k.relyingPartyId,
            secretHash: k.secretHash,
          })),
          revoked: snapshot.revoked,
        }
      );
    },
  });
  const replicas = [rcb, relyingParties];

  function publishUsage(id: string): void {
    const now = Date.now();
    const last = lastUsagePublished.get(id);
    if (last !== undefined && now - last < usageIntervalMs) return;
    lastUsagePublished.set(id, now);
    const usedAt = new Date(now).toISOString();
    const envelope = {
      id: randomUUID(),
      subject: Events.CredentialUsed.subject,
      version: Events.CredentialUsed.version,
      occurredAt: usedAt,
      payload: { credentialId: id, usedAt },
    };
    try {
      nc.publish(usedSubject, encoder.encode(JSON.stringify(envelope)));
    } catch (error) {
      // Last-used is informational; losing one never blocks a request.
      logger.warn({ err: error, credentialId: id }, 'could not publish credential usage');
    }
  }

  return {
    async verify(apiKey) {
      const parsed = parseApiKey(apiKey);
      if (parsed) {
        await rcb.waitUntilReady();
        rcb.assertCurrent();
        const credential = rcb.active.get(parsed.credentialId);
        if (!credential || !secretMatchesHash(parsed.secret, credential.secretHash)) return null;
        publishUsage(parsed.credentialId);
        return { credentialId: parsed.credentialId, rcbId: credential.ownerId };
      }
      const relyingParty = parseRelyingPartyKey(apiKey);
      if (!relyingParty) return null;
      await relyingParties.waitUntilReady();
      relyingParties.assertCurrent();
      const key = relyingParties.active.get(relyingParty.relyingPartyId);
      if (!key || !secretMatchesHash(relyingParty.secret, key.secretHash)) return null;
      return { credentialId: relyingParty.relyingPartyId, relyingPartyId: key.ownerId };
    },
    ready: (kind = 'rcb') => (kind === 'rcb' ? rcb.ready : relyingParties.ready),
    async close() {
      if (closed) return;
      closed = true;
      markClosing();
      for (const wake of [...wakeSleepers]) wake();
      for (const replica of replicas) replica.stop();
      await Promise.all(replicas.map((replica) => replica.ended()));
      await Promise.all(replicas.map((replica) => replica.deleteConsumers()));
    },
  };
}
