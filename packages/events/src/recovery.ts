import { type NatsConnection } from 'nats';
import { apiErrorCode, streamConfigs } from './streams';

const STREAM_NOT_FOUND = 10059;

/**
 * After a service's database is restored from a backup: deletes the service's durable consumers
 * (named `<service>-...`) on every stream. The service recreates them at its next start, reading each
 * stream from its beginning; its restored inbox skips what the backup already holds, and the events
 * it handled after the backup are handled again, once. Run it while the service is stopped. Answers
 * the consumers deleted, as `STREAM/durable`.
 */
export async function rewindConsumers(
  nc: NatsConnection,
  service: string,
  namespace?: string,
): Promise<string[]> {
  if (!/^[a-z][a-z0-9-]*$/.test(service)) throw new Error(`"${service}" is not a service name`);
  const jsm = await nc.jetstreamManager();
  const deleted: string[] = [];
  for (const config of streamConfigs(namespace)) {
    const stream = config.name as string;
    try {
      for await (const consumer of jsm.consumers.list(stream)) {
        const name = consumer.config.durable_name;
        if (name?.startsWith(`${service}-`)) {
          await jsm.consumers.delete(stream, name);
          deleted.push(`${stream}/${name}`);
        }
      }
    } catch (err) {
      if (apiErrorCode(err) !== STREAM_NOT_FOUND) throw err;
    }
  }
  return deleted;
}
