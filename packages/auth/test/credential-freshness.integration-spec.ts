import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { connect, type NatsConnection } from 'nats';
import pino from 'pino';
import {
  createCredentialStore,
  generateRcbCredential,
  type CredentialStore,
  type RcbCredential,
} from '../src';
import { eventually, LocalNatsServer, sleep } from '@iso20000/testing';

const silent = pino({ level: 'silent' });
const rcbId = '00000000-0000-4000-8000-000000000001';

// A private nats-server, so that stopping it hurts nobody else's tests.
describe('credential store when its copy cannot be shown current', () => {
  const ns = `authfresh_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let server: LocalNatsServer;
  let nc: NatsConnection;
  let store: CredentialStore;

  async function publish(subject: string, payload: unknown): Promise<void> {
    const id = randomUUID();
    const envelope = { id, subject, version: 1, occurredAt: new Date().toISOString(), payload };
    await nc.jetstream().publish(`${ns}.${subject}`, JSON.stringify(envelope), { msgID: id });
  }

  const issue = (credential: RcbCredential) =>
    publish('accreditation.credential.issued', {
      credentialId: credential.id,
      rcbId,
      secretHash: credential.secretHash,
      label: 'bulk upload',
      issuedAt: new Date().toISOString(),
    });

  const revoke = (credential: RcbCredential) =>
    publish('accreditation.credential.revoked', {
      credentialId: credential.id,
      rcbId,
      revokedAt: new Date().toISOString(),
    });

  const outcomeOf = (credential: RcbCredential) =>
    store.verify(credential.apiKey).then(
      (verified) => (verified ? 'verified' : 'unknown'),
      (error: unknown) => (error instanceof GraphQLError ? String(error.extensions.code) : String(error)),
    );

  beforeAll(async () => {
    server = await LocalNatsServer.start();
    nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: `${ns.toUpperCase()}_ACCREDITATION`, subjects: [`${ns}.accreditation.>`] });
    store = await createCredentialStore({ nc, namespace: ns, logger: silent, maxStalenessMs: 1_000 });
    await store.ready();
  });

  afterAll(async () => {
    await store?.close();
    await nc?.close();
    await server?.dispose();
  });

  it('keeps verifying while the bus answers, refuses (503, retryable) once it cannot, and never accepts a key revoked meanwhile', async () => {
    const key = generateRcbCredential();
    await issue(key);
    await eventually(async () => ((await outcomeOf(key)) === 'verified' ? true : undefined), 2_000, 'issued');

    // well past the bound with a healthy bus: still current
    await sleep(2_500);
    await expect(outcomeOf(key)).resolves.toBe('verified');

    await server.halt();
    // the revocation waits in accreditation's outbox; the copy here still holds the key
    await sleep(1_500);
    const refusal = await store.verify(key.apiKey).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(GraphQLError);
    const extensions = (refusal as GraphQLError).extensions as unknown as {
      code: string;
      http: { status: number; headers: Map<string, string> };
    };
    expect(extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(extensions.http.status).toBe(503);
    expect(Number(extensions.http.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    await server.resume();
    // as accreditation's relay would: retried until JetStream is back and acknowledges it
    await eventually(
      () =>
        revoke(key).then(
          () => true,
          () => undefined,
        ),
      15_000,
      'the revocation published',
    );
    // once in the stream, the revocation holds within the bound; before it, only a proven-current copy answers
    const publishedAt = Date.now();
    await eventually(
      async () => ((await outcomeOf(key)) === 'unknown' ? true : undefined),
      1_000,
      'the revocation applied',
    );
    expect(Date.now() - publishedAt).toBeLessThan(1_000);
    await expect(outcomeOf(key)).resolves.toBe('unknown');

    // a key issued after recovery verifies again
    const fresh = generateRcbCredential();
    await issue(fresh);
    await eventually(
      async () => ((await outcomeOf(fresh)) === 'verified' ? true : undefined),
      5_000,
      'fresh',
    );
  });
});
