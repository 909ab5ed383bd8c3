import { type NatsConnection } from 'nats';
import { type DataSource } from 'typeorm';
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

/**
 * After the event store lost its streams (or a consumer was away longer than the retention): marks the
 * service's outbox rows recorded since `since` unpublished, so that its relay publishes them again, in
 * their order, with their ids. Consumers' inboxes skip what they already have. Answers the rows marked.
 */
export async function republishOutbox(dataSource: DataSource, since: Date): Promise<number> {
  if (Number.isNaN(since.getTime())) throw new Error('republishOutbox needs a valid date');
  const [, count] = (await dataSource.query(
    `UPDATE "outbox_event" SET "published_at" = NULL, "attempts" = 0, "last_error" = NULL, "next_attempt_at" = now() ` +
      `WHERE "created_at" >= $1 AND "published_at" IS NOT NULL`,
    [since.toISOString()],
  )) as [unknown[], number];
  return count;
}
