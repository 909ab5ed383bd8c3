/**
 * Deployment settings of the event bus, from the environment, so one image runs a single NATS server
 * (replicas 1) and a three-node JetStream cluster (replicas 3). A consumer's own options win over these.
 */
export interface EventSettings {
  /** STREAM_REPLICAS: copies of every stream in the JetStream cluster (1, 3 or 5; default 1). */
  streamReplicas: number;
  /** CONSUMER_MAX_DELIVER: failed deliveries before the dead letter (default 5). */
  consumerMaxDeliver: number;
  /** CONSUMER_ACK_WAIT_MS: how long the server waits for an ack before redelivering (default 30000). */
  consumerAckWaitMs: number;
  /** CONSUMER_BATCH_SIZE: messages buffered per pull (default 20). */
  consumerBatchSize: number;
  /**
   * STREAM_MAX_AGE_DAYS: how long a producer stream keeps an event (default 30). Long enough to rebuild a
   * consumer's database restored from last night's backup, or a consumer down for a long weekend.
   */
  streamMaxAgeDays: number;
  /** STREAM_MAX_BYTES: size limit of each producer stream, oldest events dropped first (default -1: none). */
  streamMaxBytes: number;
  /** DEAD_LETTER_MAX_AGE_DAYS: how long the DEAD_LETTER stream keeps a copy (default 365). */
  deadLetterMaxAgeDays: number;
  /** DEAD_LETTER_MAX_BYTES: size limit of the DEAD_LETTER stream (default -1: none). */
  deadLetterMaxBytes: number;
  /**
   * CONSUMER_REPLICAS: copies of each durable consumer's state (0, the default: as many as its stream).
   * Never more than STREAM_REPLICAS: a consumer cannot outlive the stream it reads.
   */
  consumerReplicas: number;
  /**
   * OUTBOX_RETENTION_DAYS: how long a published outbox row is kept (default 30, at least 1), the window
   * republishOutbox can replay from the database. Rows not yet published are never pruned.
   */
  outboxRetentionDays: number;
  /**
   * INBOX_RETENTION_DAYS: how long a consumer remembers an event it handled (default: STREAM_MAX_AGE_DAYS
   * + 1). Never shorter than the streams keep events: a consumer rewound to the start of its stream must
   * still find every event it already handled, or it would have the effect again.
   */
  inboxRetentionDays: number;
  /** EVENTS_RETENTION_INTERVAL_MS: how often the retention job prunes (default hourly). */
  retentionIntervalMs: number;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}=${JSON.stringify(raw)} is invalid: an integer from ${min} to ${max}`);
  }
  return value;
}

/** -1 (no limit) or at least 1 MiB: a smaller stream would drop events before any consumer sees them. */
function byteLimit(env: NodeJS.ProcessEnv, name: string): number {
  const value = integer(env, name, -1, -1, Number.MAX_SAFE_INTEGER);
  if (value !== -1 && value < 1024 * 1024) {
    throw new Error(
      `${name}=${JSON.stringify(env[name])} is invalid: -1 (no limit) or at least 1048576 bytes`,
    );
  }
  return value;
}

export function eventSettingsFrom(env: NodeJS.ProcessEnv = process.env): EventSettings {
  const streamReplicas = integer(env, 'STREAM_REPLICAS', 1, 1, 5);
  if (streamReplicas % 2 === 0) {
    throw new Error(`STREAM_REPLICAS=${streamReplicas} is invalid: an odd number (a majority must agree)`);
  }
  const consumerReplicas = integer(env, 'CONSUMER_REPLICAS', 0, 0, 5);
  if (consumerReplicas > streamReplicas) {
    throw new Error(
      `CONSUMER_REPLICAS=${consumerReplicas} is invalid: at most STREAM_REPLICAS (${streamReplicas}), or 0 for the same`,
    );
  }
  const streamMaxAgeDays = integer(env, 'STREAM_MAX_AGE_DAYS', 30, 1, 3650);
  return {
    streamReplicas,
    consumerMaxDeliver: integer(env, 'CONSUMER_MAX_DELIVER', 5, 1, 1000),
    consumerAckWaitMs: integer(env, 'CONSUMER_ACK_WAIT_MS', 30_000, 1000, 3_600_000),
    consumerBatchSize: integer(env, 'CONSUMER_BATCH_SIZE', 20, 1, 1000),
    streamMaxAgeDays,
    streamMaxBytes: byteLimit(env, 'STREAM_MAX_BYTES'),
    deadLetterMaxAgeDays: integer(env, 'DEAD_LETTER_MAX_AGE_DAYS', 365, 1, 3650),
    deadLetterMaxBytes: byteLimit(env, 'DEAD_LETTER_MAX_BYTES'),
    ...retentionFrom(env, streamMaxAgeDays),
    consumerReplicas,
    retentionIntervalMs: integer(env, 'EVENTS_RETENTION_INTERVAL_MS', 3_600_000, 1000, 7 * 86_400_000),
  };
}

function retentionFrom(
  env: NodeJS.ProcessEnv,
  streamMaxAgeDays: number,
): { outboxRetentionDays: number; inboxRetentionDays: number } {
  const inboxRetentionDays = integer(env, 'INBOX_RETENTION_DAYS', streamMaxAgeDays + 1, 1, 3650);
  if (inboxRetentionDays < streamMaxAgeDays) {
    throw new Error(
      `INBOX_RETENTION_DAYS=${inboxRetentionDays} is invalid: at least STREAM_MAX_AGE_DAYS (${streamMaxAgeDays}), ` +
        'or a consumer replaying its stream would handle an event it has forgotten a second time',
    );
  }
  return { outboxRetentionDays: integer(env, 'OUTBOX_RETENTION_DAYS', 30, 1, 3650), inboxRetentionDays };
}
