import { randomUUID } from 'node:crypto';
import {
  AckPolicy,
  ConsumerEvents,
  DeliverPolicy,
  headers as natsHeaders,
  nanos,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import type { Logger } from 'pino';
import { type DataSource, type EntityManager } from 'typeorm';
import { type EventDefinition, type EventEnvelope, parseEventEnvelope } from './catalogue';
import { type Backoff, backoffDelay, describeError } from './outbox';
import {
  apiErrorCode,
  deadLetterSubject,
  normalizeNamespace,
  streamNameFor,
  untilJetStreamAnswers,
  wireSubject,
} from './streams';
import { eventSettingsFrom } from './settings';
import {
  contextFromTraceparent,
  deadLettersRecorded,
  eventHandlingDuration,
  eventRedeliveries,
  eventsHandled,
  inSpan,
  observeConsumerLag,
  SpanKind,
  withRequestId,
} from '@iso20000/telemetry';

export interface EventHandlerContext<T> {
  /** The handler's transaction: write the effect with it, so that it commits with the inbox row. */
  manager: EntityManager;
  envelope: EventEnvelope<T>;
  /** Bound to the event id and subject. */
  logger: Logger;
}

/** What a handler whose effect is outside the database gets: no transaction to write with. */
export interface ExternalEffectContext<T> {
  envelope: EventEnvelope<T>;
  logger: Logger;
}

interface CommonConsumerOptions {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  /** Durable consumer name, unique per service and purpose, e.g. `certificate-issue-on-release`. */
  durableName: string;
  /** Failed deliveries before the message goes to the dead letter (default 5). */
  maxDeliver?: number;
  /** Redelivery delays after a failed delivery (default 1 s doubling up to 60 s). */
  retryBackoff?: Backoff;
  /** How long the server waits for an ack before redelivering (default 30 s). */
  ackWaitMs?: number;
  /** Messages buffered per pull (default 20). */
  batchSize?: number;
}

/** The default: the effect is written with the handler's transaction, together with the inbox row. */
export interface InTransactionConsumerOptions<T> extends CommonConsumerOptions {
  event: EventDefinition<T>;
  effect?: 'in-transaction';
  handle: (payload: T, context: EventHandlerContext<T>) => Promise<void>;
}

/**
 * For effects outside the database (a cache, a push to clients, a call to another system): the inbox
 * is checked before and written after the effect succeeds, so a crash in between repeats the effect
 * once more. The effect must therefore be idempotent on `envelope.id`.
 */
export interface ExternalEffectConsumerOptions<T> extends CommonConsumerOptions {
  event: EventDefinition<T>;
  effect: 'outside-database';
  handle: (payload: T, context: ExternalEffectContext<T>) => Promise<void>;
}

export type EventConsumerOptions<T> = InTransactionConsumerOptions<T> | ExternalEffectConsumerOptions<T>;

/** What a service needs to run its consumers, whatever their event type: `EventConsumerControl[]`. */
export interface EventConsumerControl {
  readonly durableName: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const CONSUMER_NOT_FOUND = 10014;
const DURABLE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const MAX_ERROR_LENGTH = 8000;
const RESTART_DELAY_MS = 1000;

/**
 * Runs a handler once per event, whatever JetStream redelivers: a durable pull consumer with
 * explicit acks, an inbox row written in the handler's transaction, retries with backoff, and a
 * dead letter (row + `dlq.<durableName>` message) for events that are invalid or keep failing.
 *
 * Replicas of a service run one EventConsumer each under the same durable name: they pull from one
 * durable consumer, so JetStream hands each message to one of them, and the inbox row (a primary key
 * per durable and event) stops a redelivery reaching the other replica from having the effect twice.
 * Ordering: with more than one replica (or a batch in flight) two events of one aggregate may be
 * handled at the same time or overtake each other, so a handler that keeps a copy of state applies
 * a change only when it is newer than what it holds (the catalogue's `changedAt`), never by arrival.
 */
export class EventConsumer<T> implements EventConsumerControl {
  private readonly js: JetStreamClient;
  private readonly namespace: string | undefined;
  private readonly maxDeliver: number;
  private readonly retryBackoff: Backoff;
  private readonly ackWaitMs: number;
  private readonly batchSize: number;
  private readonly replicas: number;
  private readonly streamName: string;
  private readonly filterSubject: string;
  private messages: ConsumerMessages | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private unobserveLag: (() => void) | null = null;

  constructor(private readonly options: EventConsumerOptions<T>) {
    if (!DURABLE_NAME_PATTERN.test(options.durableName)) {
      throw new Error(`durable name "${options.durableName}" must be letters, digits, '_' or '-'`);
    }
    this.js = options.nc.jetstream();
    this.namespace = normalizeNamespace(options.namespace);
    const settings = eventSettingsFrom();
    this.maxDeliver = options.maxDeliver ?? settings.consumerMaxDeliver;
    this.retryBackoff = options.retryBackoff ?? { initialMs: 1000, maxMs: 60_000 };
    this.ackWaitMs = options.ackWaitMs ?? settings.consumerAckWaitMs;
    this.batchSize = options.batchSize ?? settings.consumerBatchSize;
    this.replicas = settings.consumerReplicas;
    this.streamName = streamNameFor(options.event.subject, this.namespace);
    this.filterSubject = wireSubject(options.event.subject, this.namespace);
    if (this.maxDeliver < 1) throw new Error('maxDeliver must be at least 1');
  }

  get durableName(): string {
    return this.options.durableName;
  }

  /** Creates (or updates) the durable consumer, then processes messages until stop(). */
  async start(): Promise<void> {
    if (this.loop) return;
    this.stopping = false;
    // Several replicas starting at once (or a stream between leaders) time JetStream's API out for a
    // few seconds: the start waits that out rather than failing the service.
    await untilJetStreamAnswers(() => this.ensureConsumer());
    this.messages = await untilJetStreamAnswers(() => this.pull());
    this.loop = this.run();
    this.unobserveLag = observeConsumerLag(async () => {
      const jsm = await this.options.nc.jetstreamManager();
      const info = await jsm.consumers.info(this.streamName, this.options.durableName);
      return {
        consumer: this.options.durableName,
        pending: info.num_pending,
        ackPending: info.num_ack_pending,
      };
    });
  }

  /** Stops pulling; resolves once the message being handled is finished (acked or naked). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unobserveLag?.();
    this.unobserveLag = null;
    this.messages?.stop();
    this.wake?.();
    await this.loop;
    this.loop = null;
    this.messages = null;
  }

  private async pull(): Promise<ConsumerMessages> {
    const consumer = await this.js.consumers.get(this.streamName, this.options.durableName);
    const messages = await consumer.consume({ max_messages: this.batchSize });
    void this.watchForLoss(messages);
    return messages;
  }

  /**
   * nats.js keeps pulling from a consumer or stream that was deleted, and then waits forever: end
   * the iterator instead, so that run() recreates the consumer (and resumes from the stream).
   */
  private async watchForLoss(messages: ConsumerMessages): Promise<void> {
    const lost: string[] = [
      ConsumerEvents.ConsumerDeleted,
      ConsumerEvents.ConsumerNotFound,
      ConsumerEvents.StreamNotFound,
    ];
    try {
      for await (const status of await messages.status()) {
        if (lost.includes(status.type)) {
          this.options.logger.warn(
            { consumer: this.options.durableName, status: status.type },
            'event consumer lost; recreating',
          );
          messages.stop();
          return;
        }
      }
    } catch {
      // the status iterator ends with the messages; nothing to do
    }
  }

  private async ensureConsumer(): Promise<void> {
    const jsm = await this.options.nc.jetstreamManager();
    const { durableName } = this.options;
    // The server's own max_deliver stays unlimited: this class decides when to dead-letter, so that a
    // crash during the last attempt leads to one more attempt rather than a silently dropped event.
    const updatable = {
      ack_wait: nanos(this.ackWaitMs),
      max_deliver: -1,
      max_ack_pending: Math.max(this.batchSize * 5, 100),
    };
    try {
      const info = await jsm.consumers.info(this.streamName, durableName);
      if (info.config.filter_subject !== this.filterSubject) {
        throw new Error(
          `durable consumer ${durableName} on ${this.streamName} filters ${info.config.filter_subject ?? '(nothing)'}, ` +
            `not ${this.filterSubject}: durable names must be unique per service and purpose`,
        );
      }
      await jsm.consumers.update(this.streamName, durableName, updatable);
    } catch (err) {
      if (apiErrorCode(err) !== CONSUMER_NOT_FOUND) throw err;
      await jsm.consumers.add(this.streamName, {
        ...updatable,
        durable_name: durableName,
        ack_policy: AckPolicy.Explicit,
        // a consumer created after events were published still receives them
        deliver_policy: DeliverPolicy.All,
        filter_subject: this.filterSubject,
        // 0: as many copies as the stream (a replicated stream's consumers are replicated with it)
        ...(this.replicas > 0 ? { num_replicas: this.replicas } : {}),
      });
    }
  }

  private async run(): Promise<void> {
    const { logger, durableName } = this.options;
    while (!this.stopping) {
      const messages = this.messages;
      try {
        if (!messages) throw new Error('no message stream');
        for await (const msg of messages) {
          if (this.stopping) {
            // buffered but not started: hand it back at once rather than after ack_wait
            msg.nak();
            continue;
          }
          await this.process(msg);
        }
      } catch (err) {
        logger.error({ err, consumer: durableName }, 'event consumer lost its message stream');
      }
      if (this.stopping) break;
      // the stream or consumer went away (or the iterator failed): recreate and pull again
      await this.pause(RESTART_DELAY_MS);
      if (this.stopping) break;
      try {
        await this.ensureConsumer();
        this.messages = await this.pull();
      } catch (err) {
        this.messages = null;
        logger.error({ err, consumer: durableName }, 'event consumer could not restart; will retry');
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      this.wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    }).then(() => {
      this.wake = null;
    });
  }

  private async process(msg: JsMsg): Promise<void> {
    const { durableName, event, logger } = this.options;
    const deliveries = msg.info.deliveryCount;
    const text = msg.string();
    let raw: unknown = undefined;
    let envelope: EventEnvelope<T>;
    try {
      raw = JSON.parse(text);
      const version = versionOf(raw);
      if (version !== undefined && version !== event.version) {
        // another version of this event, published alongside during a migration: not ours to handle
        logger.debug({ consumer: durableName, version }, 'event of another version skipped');
        msg.ack();
        return;
      }
      envelope = parseEventEnvelope(event, raw);
    } catch (err) {
      // a message that does not match the catalogue will never succeed: no retries
      await this.deadLetter(msg, raw === undefined ? { raw: text } : raw, eventIdOf(raw), err);
      return;
    }

    const eventLogger = logger.child({
      consumer: durableName,
      eventId: envelope.id,
      subject: envelope.subject,
    });
    if (deliveries > 1) eventRedeliveries.inc({ consumer: durableName });
    const started = process.hrtime.bigint();
    // The handler's log lines carry the producing request's id; its spans continue the producer's trace.
    const handle = () => this.handleOnce(envelope, eventLogger);
    const traced = () =>
      envelope.traceparent === undefined
        ? handle()
        : inSpan(
            `consume ${envelope.subject}`,
            {
              kind: SpanKind.CONSUMER,
              parent: contextFromTraceparent(envelope.traceparent),
              attributes: {
                'messaging.system': 'nats',
                'messaging.consumer.group.name': durableName,
                'messaging.message.id': envelope.id,
                'messaging.message.delivery_count': deliveries,
              },
            },
            handle,
          );
    try {
      await withRequestId(envelope.requestId, traced);
    } catch (err) {
      eventHandlingDuration.observe(
        { consumer: durableName },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      if (deliveries >= this.maxDeliver) {
        await this.deadLetter(msg, raw, envelope.id, err);
      } else {
        eventsHandled.inc({ consumer: durableName, outcome: 'failed' });
        const delay = backoffDelay(this.retryBackoff, deliveries);
        eventLogger.warn({ err, deliveries, retryInMs: delay }, 'event handler failed; will retry');
        msg.nak(delay);
      }
      return;
    }
    eventHandlingDuration.observe({ consumer: durableName }, Number(process.hrtime.bigint() - started) / 1e9);
    eventsHandled.inc({ consumer: durableName, outcome: 'handled' });
    msg.ack();
  }

  private async handleOnce(envelope: EventEnvelope<T>, eventLogger: Logger): Promise<void> {
    const { durableName, dataSource } = this.options;
    const recordInInbox = `INSERT INTO "inbox_event" ("consumer", "event_id") VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING "event_id"`;
    if (this.options.effect === 'outside-database') {
      const seen = (await dataSource.query(
        `SELECT 1 FROM "inbox_event" WHERE "consumer" = $1 AND "event_id" = $2`,
        [durableName, envelope.id],
      )) as unknown[];
      if (seen.length > 0) {
        eventLogger.debug('event already processed; skipped');
        return;
      }
      await this.options.handle(envelope.payload, { envelope, logger: eventLogger });
      await dataSource.query(recordInInbox, [durableName, envelope.id]);
      return;
    }
    const { handle } = this.options;
    await dataSource.transaction(async (manager) => {
      const inserted = (await manager.query(recordInInbox, [durableName, envelope.id])) as unknown[];
      if (inserted.length === 0) {
        // the server redelivered (or the producer published twice) an event already handled
        eventLogger.debug('event already processed; skipped');
        return;
      }
      await handle(envelope.payload, { manager, envelope, logger: eventLogger });
    });
  }

  private async deadLetter(
    msg: JsMsg,
    payload: unknown,
    eventId: string | null,
    cause: unknown,
  ): Promise<void> {
    const { durableName, logger } = this.options;
    deadLettersRecorded.inc({ consumer: durableName });
    eventsHandled.inc({ consumer: durableName, outcome: 'dead_lettered' });
    const error = truncate(
      cause instanceof Error && cause.stack ? cause.stack : describeError(cause),
      MAX_ERROR_LENGTH,
    );
    const deadLetter = {
      id: randomUUID(),
      consumer: durableName,
      eventId,
      subject: msg.subject,
      payload,
      error,
      deliveries: msg.info.deliveryCount,
      failedAt: new Date().toISOString(),
    };
    try {
      const hdrs = natsHeaders();
      hdrs.set('Dead-Letter-Consumer', durableName);
      hdrs.set('Dead-Letter-Error', oneLine(describeError(cause)).slice(0, 1000));
      await this.js.publish(deadLetterSubject(durableName, this.namespace), JSON.stringify(deadLetter), {
        // a retried dead-lettering of the same delivery is dropped by the dedupe window
        msgID: `${this.streamName}-${msg.info.streamSequence}-${durableName}`,
        headers: hdrs,
      });
      // published first: a retry after a failed insert is deduped by msgID, not published twice
      await this.options.dataSource.query(
        `INSERT INTO "dead_letter_event" ("id", "consumer", "event_id", "subject", "payload", "error", "deliveries", "failed_at") ` +
          `VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)`,
        [
          deadLetter.id,
          deadLetter.consumer,
          deadLetter.eventId,
          deadLetter.subject,
          JSON.stringify(payload ?? null),
          deadLetter.error,
          deadLetter.deliveries,
          deadLetter.failedAt,
        ],
      );
      logger.error(
        { consumer: durableName, eventId, subject: msg.subject, deliveries: deadLetter.deliveries, error },
        'event dead-lettered',
      );
      msg.term();
    } catch (err) {
      logger.error({ err, consumer: durableName, eventId }, 'could not dead-letter event; will retry');
      msg.nak(backoffDelay(this.retryBackoff, msg.info.deliveryCount));
    }
  }
}

function versionOf(raw: unknown): number | undefined {
  if (typeof raw === 'object' && raw !== null && 'version' in raw) {
    const version = (raw as { version: unknown }).version;
    if (typeof version === 'number' && Number.isInteger(version) && version > 0) return version;
  }
  return undefined;
}

function eventIdOf(raw: unknown): string | null {
  if (typeof raw === 'object' && raw !== null && 'id' in raw) {
    const id = (raw as { id: unknown }).id;
    if (typeof id === 'string') return id.slice(0, 200);
  }
  return null;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
