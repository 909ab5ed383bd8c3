import { randomUUID } from 'node:crypto';
import { type JetStreamClient, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { type DataSource, type EntityManager } from 'typeorm';
import { type EventDefinition, type EventEnvelope, parseEventPayload } from './catalogue';
import { normalizeNamespace, wireSubject } from './streams';
import {
  currentTraceparent,
  eventsPublished,
  inSpan,
  SpanKind,
  contextFromTraceparent,
} from '@iso20000/telemetry';

export interface RecordEventOptions {
  requestId?: string;
}

/**
 * Validates the payload against the catalogue (throws InvalidEventError) and writes it to the
 * outbox with the caller's transaction: the event exists if and only if the state change commits.
 */
export async function recordEvent<T>(
  manager: EntityManager,
  def: EventDefinition<T>,
  payload: T,
  options: RecordEventOptions = {},
): Promise<EventEnvelope<T>> {
  if (!manager.queryRunner?.isTransactionActive) {
    // outside a transaction the event could outlive (or miss) the state change it announces
    throw new Error(`recordEvent(${def.subject}) must run inside the transaction that changes state`);
  }
  const envelope: EventEnvelope<T> = {
    id: randomUUID(),
    subject: def.subject,
    version: def.version,
    occurredAt: new Date().toISOString(),
    payload: parseEventPayload(def, payload),
  };
  if (options.requestId !== undefined) envelope.requestId = options.requestId;
  const traceparent = currentTraceparent();
  if (traceparent !== undefined) envelope.traceparent = traceparent;
  await manager.query(
    `INSERT INTO "outbox_event" ("id", "subject", "version", "payload", "request_id", "created_at", "traceparent") ` +
      `VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)`,
    [
      envelope.id,
      envelope.subject,
      envelope.version,
      JSON.stringify(envelope.payload),
      options.requestId ?? null,
      envelope.occurredAt,
      traceparent ?? null,
    ],
  );
  return envelope;
}

/**
 * recordEvent for many events of one kind (bulk imports): each payload validated the same way, all
 * rows written by one statement, in order, inside the caller's transaction.
 */
export async function recordEvents<T>(
  manager: EntityManager,
  def: EventDefinition<T>,
  payloads: readonly T[],
  options: RecordEventOptions = {},
): Promise<EventEnvelope<T>[]> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error(`recordEvents(${def.subject}) must run inside the transaction that changes state`);
  }
  if (payloads.length === 0) return [];
  const occurredAt = new Date().toISOString();
  const traceparent = currentTraceparent();
  const envelopes = payloads.map((payload): EventEnvelope<T> => {
    const envelope: EventEnvelope<T> = {
      id: randomUUID(),
      subject: def.subject,
      version: def.version,
      occurredAt,
      payload: parseEventPayload(def, payload),
    };
    if (options.requestId !== undefined) envelope.requestId = options.requestId;
    if (traceparent !== undefined) envelope.traceparent = traceparent;
    return envelope;
  });
  // The rows travel as one jsonb parameter (far faster than thousands of bind parameters) and are
  // inserted in array order, so their outbox positions keep the order given.
  await manager.query(
    `INSERT INTO "outbox_event" ("id", "subject", "version", "payload", "request_id", "created_at", "traceparent") ` +
      `SELECT r."id", r."subject", r."version", r."payload", r."request_id", r."created_at", r."traceparent" ` +
      `FROM jsonb_to_recordset($1::jsonb) AS r("id" uuid, "subject" text, "version" integer, ` +
      `"payload" jsonb, "request_id" text, "created_at" timestamptz, "traceparent" text)`,
    [
      JSON.stringify(
        envelopes.map((e) => ({
          id: e.id,
          subject: e.subject,
          version: e.version,
          payload: e.payload,
          request_id: options.requestId ?? null,
          created_at: e.occurredAt,
          traceparent: traceparent ?? null,
        })),
      ),
    ],
  );
  return envelopes;
}

export interface Backoff {
  /** Delay after the first failure. */
  initialMs: number;
  /** The delay doubles with each failure up to this cap. */
  maxMs: number;
}

/** Delay before retry number `failures` (1 for the first failure). */
export function backoffDelay(backoff: Backoff, failures: number): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** exponent);
}

export interface OutboxRelayOptions {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  /** How often pending rows are looked for when nobody kicks (default 200 ms). */
  pollIntervalMs?: number;
  /** Rows published per transaction (default 100). */
  batchSize?: number;
  /** How long to wait for JetStream's ack of one publish (default 5 s). */
  publishTimeoutMs?: number;
  /** Retry delays after a failed publish (default 500 ms doubling up to 5 s). */
  backoff?: Backoff;
}

interface PendingRow {
  id: string;
  subject: string;
  version: number;
  payload: unknown;
  request_id: string | null;
  created_at: Date;
  attempts: number;
  traceparent: string | null;
}

interface BatchOutcome {
  published: number;
  /** The shortest retry delay among failed rows, when any failed. */
  retryInMs?: number;
}

// One relay at a time per database publishes, so events leave in the order they were recorded even
// when several instances of a service run; the others wait for their turn.
const RELAY_LOCK_KEY = 'iso20000.outbox_event.relay';

/**
 * Publishes pending outbox rows to JetStream, in order, with `Nats-Msg-Id` = event id so that a
 * publish retried after a lost ack is dropped by the server's dedupe window. A failed publish is
 * retried with exponential backoff; the row stays pending until JetStream has acknowledged it.
 */
export class OutboxRelay {
  private readonly js: JetStreamClient;
  private readonly namespace: string | undefined;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly publishTimeoutMs: number;
  private readonly backoff: Backoff;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private kicked = false;
  private pausedUntil = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.js = options.nc.jetstream();
    this.namespace = normalizeNamespace(options.namespace);
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.batchSize = options.batchSize ?? 100;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5000;
    this.backoff = options.backoff ?? { initialMs: 500, maxMs: 5_000 };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
    void this.watchConnection();
  }

  /**
   * The backoff guesses when NATS will be back; a reconnect says so. Rows that failed while it was
   * away become due at once, so they leave within a poll of the bus returning, in their order.
   */
  private async watchConnection(): Promise<void> {
    try {
      for await (const status of this.options.nc.status()) {
        if (!this.running) break;
        if (status.type !== 'reconnect') continue;
        try {
          const updated = (await this.options.dataSource.query(
            `UPDATE "outbox_event" SET "next_attempt_at" = now() ` +
              `WHERE "published_at" IS NULL AND "next_attempt_at" > now()`,
          )) as [unknown, number];
          this.options.logger.info({ rows: updated[1] }, 'outbox relay: NATS is back; publishing now');
        } catch (err) {
          this.options.logger.warn({ err }, 'outbox relay: could not make held rows due');
        }
        this.pausedUntil = 0;
        this.kick();
      }
    } catch (err) {
      this.options.logger.debug({ err }, 'outbox relay: connection status watch ended');
    }
  }

  /** Stops polling; resolves once the batch being published (if any) is finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  /** Publish now rather than at the next poll (e.g. right after a transaction that recorded events). */
  kick(): void {
    // while NATS is failing, a kick would only let younger rows overtake the ones backing off
    if (Date.now() < this.pausedUntil) return;
    this.kicked = true;
    this.wake?.();
  }

  /** Publishes one batch of due rows; returns how many were published. Also usable without start(). */
  async publishPending(): Promise<number> {
    return (await this.publishBatch()).published;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let delay = this.pollIntervalMs;
      try {
        const outcome = await this.publishBatch();
        if (outcome.retryInMs !== undefined) {
          delay = outcome.retryInMs;
          this.pausedUntil = Date.now() + delay;
        } else if (outcome.published === this.batchSize) {
          delay = 0; // more rows are likely waiting
        }
      } catch (err) {
        // the database is unreachable or the query failed: rows stay pending, try again later
        this.options.logger.error({ err }, 'outbox relay: batch failed');
        delay = this.backoff.initialMs;
      }
      await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (this.kicked && Date.now() >= this.pausedUntil) {
      this.kicked = false;
      return Promise.resolve();
    }
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = () => done();
      this.wake = wake;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    }).then(() => {
      this.wake = null;
      this.kicked = false;
    });
  }

  private async publishBatch(): Promise<BatchOutcome> {
    // one cheap statement when idle (most polls), instead of a transaction with a lock
    const due = (await this.options.dataSource.query(
      `SELECT 1 FROM "outbox_event" WHERE "published_at" IS NULL AND "next_attempt_at" <= now() LIMIT 1`,
    )) as unknown[];
    if (due.length === 0) return { published: 0 };
    return this.options.dataSource.transaction(async (manager) => {
      const [lock] = (await manager.query(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS "locked"`, [
        RELAY_LOCK_KEY,
      ])) as {
        locked: boolean;
      }[];
      if (!lock.locked) return { published: 0 };
      const rows = (await manager.query(
        `SELECT "id", "subject", "version", "payload", "request_id", "created_at", "attempts", "traceparent" FROM "outbox_event" ` +
          `WHERE "published_at" IS NULL AND "next_attempt_at" <= now() ` +
          `ORDER BY "position" LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      )) as PendingRow[];
      if (rows.length === 0) return { published: 0 };

      // pipelined: the connection writes them in order, JetStream stores them in order
      const results = await Promise.allSettled(rows.map((row) => this.publish(row)));

      const publishedIds: string[] = [];
      let retryInMs: number | undefined;
      for (const [index, result] of results.entries()) {
        const row = rows[index];
        if (result.status === 'fulfilled') {
          publishedIds.push(row.id);
          continue;
        }
        const failures = row.attempts + 1;
        const delay = backoffDelay(this.backoff, failures);
        retryInMs = retryInMs === undefined ? delay : Math.min(retryInMs, delay);
        const error = describeError(result.reason);
        this.options.logger.warn(
          { eventId: row.id, subject: row.subject, attempts: failures, error },
          'outbox relay: publish failed',
        );
        await manager.query(
          `UPDATE "outbox_event" SET "attempts" = "attempts" + 1, "last_error" = $2, ` +
            `"next_attempt_at" = now() + $3 * interval '1 millisecond' WHERE "id" = $1`,
          [row.id, error, delay],
        );
      }
      if (publishedIds.length > 0) {
        await manager.query(`UPDATE "outbox_event" SET "published_at" = now() WHERE "id" = ANY($1::uuid[])`, [
          publishedIds,
        ]);
        this.options.logger.debug({ count: publishedIds.length }, 'outbox relay: published');
      }
      return { published: publishedIds.length, retryInMs };
    });
  }

  private async publish(row: PendingRow): Promise<void> {
    const envelope: EventEnvelope = {
      id: row.id,
      subject: row.subject,
      version: row.version,
      occurredAt: new Date(row.created_at).toISOString(),
      payload: row.payload,
    };
    if (row.request_id !== null) envelope.requestId = row.request_id;
    if (row.traceparent !== null) envelope.traceparent = row.traceparent;
    const subject = wireSubject(row.subject, this.namespace);
    const publish = () => {
      // The consumer continues from this publish (when traced), so its span follows this one.
      const traceparent = currentTraceparent();
      if (traceparent !== undefined) envelope.traceparent = traceparent;
      return this.js.publish(subject, JSON.stringify(envelope), {
        msgID: row.id,
        timeout: this.publishTimeoutMs,
      });
    };
    try {
      // The publish span continues the trace of the request that recorded the event.
      if (row.traceparent === null) await publish();
      else
        await inSpan(
          `publish ${row.subject}`,
          {
            kind: SpanKind.PRODUCER,
            parent: contextFromTraceparent(row.traceparent),
            attributes: {
              'messaging.system': 'nats',
              'messaging.destination.name': subject,
              'messaging.message.id': row.id,
            },
          },
          publish,
        );
      eventsPublished.inc({ outcome: 'ok' });
    } catch (error) {
      eventsPublished.inc({ outcome: 'failed' });
      throw error;
    }
  }
}

export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return `${err.name}${code !== undefined ? ` [${String(code)}]` : ''}: ${err.message}`;
  }
  return String(err);
}
