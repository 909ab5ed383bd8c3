import { randomBytes } from 'node:crypto';
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
