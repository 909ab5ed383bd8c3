import { type NatsConnection, type Subscription } from 'nats';
import { wireSubject } from '@iso20000/events';
import type { AuthLogger } from './auth-logger';

/**
 * Accreditation's answer to "which credentials exist now": hashes only, never a secret. Processes ask
 * it when they start, so a stream that lost its data (or is down) does not make them forget every key.
 */
export interface CredentialSnapshot {
  credentials: { credentialId: string; rcbId: string; secretHash: string }[];
  /** Ids revoked at the owner: sticky in every copy, like revocation events. */
  revoked: string[];
}

/** Notifications' answer to "which relying-party keys exist now": hashes only, as for RCB credentials. */
export interface RelyingPartyKeySnapshot {
  keys: { relyingPartyId: string; secretHash: string }[];
  /** Relying parties whose key was revoked: sticky in every copy. */
  revoked: string[];
}

// Outside `accreditation.>`: a request on a stream's subject would be stored and acknowledged by JetStream.
const SNAPSHOT_SUBJECT = 'query.accreditation.credentials';
const RELYING_PARTY_SNAPSHOT_SUBJECT = 'query.notifications.relying-party-keys';

/** The request-reply subject accreditation answers on, namespaced like events. */
export function credentialSnapshotSubject(namespace?: string): string {
  return wireSubject(SNAPSHOT_SUBJECT, namespace);
}

/** The request-reply subject notifications answers on for relying-party keys, namespaced like events. */
export function relyingPartyKeySnapshotSubject(namespace?: string): string {
  return wireSubject(RELYING_PARTY_SNAPSHOT_SUBJECT, namespace);
}

function isRelyingPartyKeySnapshot(value: unknown): value is RelyingPartyKeySnapshot {
  const v = value as Partial<RelyingPartyKeySnapshot> | null;
  return (
    !!v &&
    Array.isArray(v.revoked) &&
    v.revoked.every((id) => typeof id === 'string') &&
    Array.isArray(v.keys) &&
    v.keys.every(
      (k) =>
        typeof k?.relyingPartyId === 'string' &&
        typeof k.secretHash === 'string' &&
        /^[0-9a-f]{64}$/i.test(k.secretHash),
    )
  );
}

function isSnapshot(value: unknown): value is CredentialSnapshot {
  const v = value as Partial<CredentialSnapshot> | null;
  return (
    !!v &&
    Array.isArray(v.revoked) &&
    v.revoked.every((id) => typeof id === 'string') &&
    Array.isArray(v.credentials) &&
    v.credentials.every(
      (c) =>
        typeof c?.credentialId === 'string' &&
        typeof c.rcbId === 'string' &&
        typeof c.secretHash === 'string' &&
        /^[0-9a-f]{64}$/i.test(c.secretHash),
    )
  );
}

/** Asks accreditation for the current credential set; undefined (logged) when nobody answers in time. */
export function requestCredentialSnapshot(
  nc: NatsConnection,
  namespace: string | undefined,
  logger: AuthLogger,
  timeoutMs: number,
): Promise<CredentialSnapshot | undefined> {
  return requestSnapshot(
    nc,
    credentialSnapshotSubject(namespace),
    isSnapshot,
    'accreditation',
    logger,
    timeoutMs,
  );
}

/** Asks notifications for the current relying-party keys; undefined (logged) when nobody answers in time. */
export function requestRelyingPartyKeySnapshot(
  nc: NatsConnection,
  namespace: string | undefined,
  logger: AuthLogger,
  timeoutMs: number,
): Promise<RelyingPartyKeySnapshot | undefined> {
  return requestSnapshot(
    nc,
    relyingPartyKeySnapshotSubject(namespace),
    isRelyingPartyKeySnapshot,
    'notifications',
    logger,
    timeoutMs,
  );
}

async function requestSnapshot<T>(
  nc: NatsConnection,
  subject: string,
  isValid: (value: unknown) => value is T,
  owner: string,
  logger: AuthLogger,
  timeoutMs: number,
): Promise<T | undefined> {
  try {
    const reply = await nc.request(subject, new Uint8Array(), { timeout: timeoutMs });
    const body: unknown = JSON.parse(new TextDecoder().decode(reply.data));
    if (isValid(body)) return body;
    logger.error({ subject }, `credential snapshot from ${owner} is malformed; ignored`);
  } catch (error) {
    // expected while the owner starts (no responders yet): one line, not a stack trace
    const reason = error instanceof Error ? error.message || error.name : String(error);
    logger.warn({ reason, subject }, `no credential snapshot from ${owner}`);
  }
  return undefined;
}

interface SnapshotResponder {
  start(): void;
  stop(): Promise<void>;
}

/** Accreditation's side: answers snapshot requests from its database, one responder per queue group. */
export function serveCredentialSnapshots(options: {
  nc: NatsConnection;
  namespace?: string;
  logger: AuthLogger;
  load: () => Promise<CredentialSnapshot>;
}): SnapshotResponder {
  return serveSnapshots({
    ...options,
    subject: credentialSnapshotSubject(options.namespace),
    queue: 'accreditation-credential-snapshot',
  });
}

/** Notifications' side: answers relying-party key snapshot requests from its database. */
export function serveRelyingPartyKeySnapshots(options: {
  nc: NatsConnection;
  namespace?: string;
  logger: AuthLogger;
  load: () => Promise<RelyingPartyKeySnapshot>;
}): SnapshotResponder {
  return serveSnapshots({
    ...options,
    subject: relyingPartyKeySnapshotSubject(options.namespace),
    queue: 'notifications-relying-party-key-snapshot',
  });
}

function serveSnapshots(options: {
  nc: NatsConnection;
  subject: string;
  queue: string;
  logger: AuthLogger;
  load: () => Promise<unknown>;
}): SnapshotResponder {
  let subscription: Subscription | null = null;
  const encoder = new TextEncoder();
  return {
    start() {
      if (subscription) return;
      subscription = options.nc.subscribe(options.subject, {
        queue: options.queue,
        callback: (error, message) => {
          if (error) return;
          options.load().then(
            (snapshot) => message.respond(encoder.encode(JSON.stringify(snapshot))),
            (loadError: unknown) =>
              // no answer: the asker keeps trying, rather than take an empty set for the truth
              options.logger.error({ err: loadError }, 'credential snapshot could not be loaded'),
          );
        },
      });
    },
    async stop() {
      const current = subscription;
      subscription = null;
      if (current) await current.drain().catch(() => undefined);
    },
  };
}
