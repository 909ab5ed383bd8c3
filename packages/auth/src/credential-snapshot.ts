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

// Outside `accreditation.>`: a request on a stream's subject would be stored and acknowledged by JetStream.
const SNAPSHOT_SUBJECT = 'query.accreditation.credentials';

/** The request-reply subject accreditation answers on, namespaced like events. */
export function credentialSnapshotSubject(namespace?: string): string {
  return wireSubject(SNAPSHOT_SUBJECT, namespace);
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
export async function requestCredentialSnapshot(
  nc: NatsConnection,
  namespace: string | undefined,
  logger: AuthLogger,
  timeoutMs: number,
): Promise<CredentialSnapshot | undefined> {
  try {
    const reply = await nc.request(credentialSnapshotSubject(namespace), new Uint8Array(), {
      timeout: timeoutMs,
    });
    const body: unknown = JSON.parse(new TextDecoder().decode(reply.data));
    if (isSnapshot(body)) return body;
    logger.error({}, 'credential snapshot from accreditation is malformed; ignored');
  } catch (error) {
    // expected while accreditation starts (no responders yet): one line, not a stack trace
    const reason = error instanceof Error ? error.message || error.name : String(error);
    logger.warn({ reason }, 'no credential snapshot from accreditation');
  }
  return undefined;
}

/** Accreditation's side: answers snapshot requests from its database, one responder per queue group. */
export function serveCredentialSnapshots(options: {
  nc: NatsConnection;
  namespace?: string;
  logger: AuthLogger;
  load: () => Promise<CredentialSnapshot>;
}): { start(): void; stop(): Promise<void> } {
  let subscription: Subscription | null = null;
  const encoder = new TextEncoder();
  return {
    start() {
      if (subscription) return;
      subscription = options.nc.subscribe(credentialSnapshotSubject(options.namespace), {
        queue: 'accreditation-credential-snapshot',
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
