import { randomBytes, randomUUID } from 'node:crypto';
import { wireSubject, type EventDefinition, type EventEnvelope } from '@iso20000/events';
import { connect, type NatsConnection } from 'nats';

export function testNatsUrl(): string {
  return process.env.TEST_NATS_URL ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
}

/** A namespace unique to this test file: streams and subjects are prefixed with it, so files never meet. */
export function testNamespace(prefix = 't'): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export async function connectTestNats(): Promise<
  NatsConnection & { [Symbol.asyncDispose](): Promise<void> }
> {
  const nc = await connect({ servers: testNatsUrl(), name: 'test' });
  return Object.assign(nc, {
    [Symbol.asyncDispose]: async () => {
      if (!nc.isClosed()) await nc.drain();
    },
  });
}

/** Removes the streams a test namespace created (best effort: a test that failed may have made fewer). */
export async function deleteNamespaceStreams(nc: NatsConnection, namespace: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const prefix = `${namespace.toUpperCase()}_`;
  for await (const stream of jsm.streams.list()) {
    if (stream.config.name.startsWith(prefix))
      await jsm.streams.delete(stream.config.name).catch(() => undefined);
  }
}

/**
 * Publishes an event onto a test namespace's stream as its producer's outbox relay would (envelope,
 * wire subject, Nats-Msg-Id), and answers the envelope id. `msgId` differs from `id` only in tests
 * that redeliver one event past JetStream's duplicate detection.
 */
export async function publishEvent<T>(
  nc: NatsConnection,
  namespace: string,
  def: EventDefinition<T>,
  payload: T,
  options: { id?: string; msgId?: string; occurredAt?: Date } = {},
): Promise<string> {
  const id = options.id ?? randomUUID();
  const envelope: EventEnvelope<T> = {
    id,
    subject: def.subject,
    version: def.version,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    payload,
  };
  await nc.jetstream().publish(wireSubject(def.subject, namespace), JSON.stringify(envelope), {
    msgID: options.msgId ?? id,
  });
  return id;
}
