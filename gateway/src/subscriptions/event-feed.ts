import {
  allEvents,
  parseEventEnvelope,
  streamNameFor,
  wireSubject,
  type EventDefinition,
  type EventEnvelope,
} from '@iso20000/events';
import type { Logger } from '@iso20000/service-kit';
import { badUserInput } from '@iso20000/service-kit';
import type { SubgraphServiceName as Producer } from '@iso20000/topology';
import { GraphQLError } from 'graphql';
import {
  DeliverPolicy,
  type Consumer,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import { cursorExpired, type FeedPositions, type StreamPosition } from './cursor';

/** One stream a subscription reads, narrowed to the subjects it needs (nats-server 2.9: one filter per consumer). */
export interface FeedSource {
  producer: Producer;
  /** Logical subject filter, e.g. `exam.sitting.>`. */
  subject: string;
}

/**
 * Whose events a subscriber wants, as a key the tail can look up: the tail hands an event only to the
 * subscribers of its key (plus those without a route), so a process with thousands of subscribers
 * wakes only those an event concerns. `keyOf` must agree with the subscriber's own filter, which
 * still checks every event it is given.
 */
export interface FeedRoute {
  /** What the key is (`candidate`, `rcb`, ...): subscribers of one kind share one lookup. */
  kind: string;
  key: string;
  /** The key (or keys: a transfer concerns two RCBs) an event is routed by; undefined: none. */
  keyOf(envelope: EventEnvelope<unknown>): string | readonly string[] | undefined;
}

/** A message of a followed stream; `envelope` is absent when the message is not a valid catalogue event. */
export interface FeedEvent {
  producer: Producer;
  seq: number;
  timestampMs: number;
  envelope?: EventEnvelope<unknown>;
}

export interface EventFeedOptions {
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  /** A subscriber's backlog of live events (while it replays or reads slowly); past it, it is ended. */
  maxBufferedEvents?: number;
  /** How long a stream tail nobody follows stays open (a client reconnecting finds it warm). */
  idleTailMs?: number;
}

interface StreamState {
  first: number;
  last: number;
  created: number;
}

const definitions = new Map<string, EventDefinition<unknown>>(allEvents.map((def) => [def.subject, def]));
const decoder = new TextDecoder();

/** Feed-level failures a subscriber sees: the feed is not reading, or the subscriber fell behind. */
export function feedUnavailable(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'SERVICE_UNAVAILABLE' } });
}
export function subscriberTooSlow(limit: number): GraphQLError {
  return new GraphQLError(
    `More than ${limit} changes waited for this subscription: it was ended; subscribe again with the last cursor you received`,
    { extensions: { code: 'SUBSCRIBER_TOO_SLOW', limit } },
  );
}

/**
 * The gateway's reading of the producers' streams for subscriptions. One ordered consumer per stream
 * and filter follows new events for every subscriber of this process (a tail); a subscriber that
 * resumes from a cursor replays from there with an ordered consumer of its own, while the tail's
 * events wait in its inbox, then continues with them, skipping what the replay already gave it.
 */
export class EventFeed {
  private readonly tails = new Map<string, StreamTail>();
  private readonly readers = new Set<FeedReader>();
  private jsmPromise?: Promise<JetStreamManager>;
  private closed = false;
  readonly js: JetStreamClient;
  readonly maxBufferedEvents: number;
  readonly idleTailMs: number;

  constructor(readonly options: EventFeedOptions) {
    this.js = options.nc.jetstream();
    this.maxBufferedEvents = options.maxBufferedEvents ?? 10_000;
    this.idleTailMs = options.idleTailMs ?? 30_000;
  }

  get logger(): Logger {
    return this.options.logger;
  }

  streamName(producer: Producer): string {
    return streamNameFor(`${producer}.any.any`, this.options.namespace);
  }

  wireFilter(source: FeedSource): string {
    return wireSubject(source.subject, this.options.namespace);
  }

  async streamState(producer: Producer): Promise<StreamState> {
    this.jsmPromise ??= this.options.nc.jetstreamManager();
    let info;
    try {
      info = await (await this.jsmPromise).streams.info(this.streamName(producer));
    } catch (error) {
      this.logger.warn({ err: error, producer }, 'subscription feed cannot read a stream');
      throw feedUnavailable(`The ${producer} events cannot be read right now; subscribe again shortly`);
    }
    return { first: info.state.first_seq, last: info.state.last_seq, created: Date.parse(info.created) };
  }

  /**
   * Opens a reader over the sources: from `after` when given (checked against what the streams still
   * hold), otherwise from now. The tails are joined before the streams' ends are read, so no event
   * stored in between is missed.
   */
  async open(sources: readonly FeedSource[], after?: FeedPositions, route?: FeedRoute): Promise<FeedReader> {
    if (this.closed) throw feedUnavailable('The gateway is shutting down; subscribe again');
    const inbox = new FeedInbox(this.maxBufferedEvents, route);
    const joined: StreamTail[] = [];
    try {
      for (const source of sources) {
        const tail = await this.tailFor(source);
        tail.join(inbox);
        joined.push(tail);
      }
      const ends = new Map<Producer, StreamState>();
      for (const source of sources) ends.set(source.producer, await this.streamState(source.producer));
      const positions: FeedPositions = {};
      for (const source of sources) {
        const end = ends.get(source.producer) as StreamState;
        const from = after?.[source.producer];
        if (!from) {
          positions[source.producer] = { seq: end.last, created: end.created };
          continue;
        }
        if (from.created !== end.created)
          throw cursorExpired(
            `The ${source.producer} event history was recreated after this cursor was given: subscribe again without after`,
            { producer: source.producer },
          );
        if (from.seq > end.last)
          throw badUserInput(
            'after points past the end of the event history: it is not a cursor of this system',
            {
              field: 'after',
            },
          );
        if (from.seq + 1 < end.first)
          throw cursorExpired(
            `This cursor is older than the ${source.producer} events still kept: changes after it were dropped by retention; subscribe again without after`,
            { producer: source.producer, oldestKept: end.first },
          );
        positions[source.producer] = { ...from };
      }
      const reader = new FeedReader(this, sources, positions, ends, inbox, joined, () => {
        for (const tail of joined) tail.leave(inbox);
        this.readers.delete(reader);
      });
      this.readers.add(reader);
      return reader;
    } catch (error) {
      for (const tail of joined) tail.leave(inbox);
      throw error;
    }
  }

  private async tailFor(source: FeedSource): Promise<StreamTail> {
    const key = `${source.producer} ${source.subject}`;
    let tail = this.tails.get(key);
    if (!tail || tail.stopped) {
      tail = new StreamTail(this, source, () => {
        if (this.tails.get(key) === tail) this.tails.delete(key);
      });
      this.tails.set(key, tail);
    }
    await tail.ready;
    return tail;
  }

  toEvent(producer: Producer, message: JsMsg): FeedEvent {
    const event: FeedEvent = {
      producer,
      seq: message.seq,
      timestampMs: Math.floor(message.info.timestampNanos / 1e6),
    };
    try {
      const raw = JSON.parse(decoder.decode(message.data)) as { subject?: unknown };
      const def = typeof raw.subject === 'string' ? definitions.get(raw.subject) : undefined;
      if (def) event.envelope = parseEventEnvelope(def, raw);
      else
        this.logger.warn(
          { subject: message.subject, seq: message.seq },
          'skipping an event the catalogue does not know',
        );
    } catch (error) {
      this.logger.error(
        { err: error, subject: message.subject, seq: message.seq },
        'skipping an invalid event',
      );
    }
    return event;
  }

  /** Active subscriber readers and stream tails (metrics, tests). */
  stats(): { readers: number; tails: number } {
    return { readers: this.readers.size, tails: this.tails.size };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const reader of [...this.readers]) reader.close();
    for (const tail of [...this.tails.values()]) tail.stop();
  }
}

/** One stream and filter followed from its end for every subscriber of this process. */
class StreamTail {
  readonly ready: Promise<void>;
  stopped = false;
  /** The last stream sequence handed to the subscribers (every event up to it is in their inboxes). */
  lastSeq = 0;
  readonly producer: Producer;
  private readonly inboxes = new Set<FeedInbox>();
  private readonly unrouted = new Set<FeedInbox>();
  private readonly routes = new Map<
    string,
    { keyOf: FeedRoute['keyOf']; byKey: Map<string, Set<FeedInbox>> }
  >();
  private messages?: ConsumerMessages;
  private idleTimer?: NodeJS.Timeout;

  constructor(
    private readonly feed: EventFeed,
    private readonly source: FeedSource,
    private readonly forget: () => void,
  ) {
    this.producer = source.producer;
    this.ready = this.start();
    this.ready.catch(() => {
      this.stopped = true;
      this.forget();
    });
  }

  private async start(): Promise<void> {
    const end = await this.feed.streamState(this.source.producer);
    let consumer: Consumer;
    try {
      // From the stream's end as it is now: a subscriber joins before it reads the end itself.
      this.lastSeq = end.last;
      consumer = await this.feed.js.consumers.get(this.feed.streamName(this.source.producer), {
        filterSubjects: this.feed.wireFilter(this.source),
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: end.last + 1,
      });
      this.messages = await consumer.consume();
    } catch (error) {
      this.feed.logger.warn({ err: error, source: this.source }, 'subscription feed cannot follow a stream');
      throw feedUnavailable(
        `The ${this.source.producer} events cannot be read right now; subscribe again shortly`,
      );
    }
    void this.pump(this.messages);
  }

  private async pump(messages: ConsumerMessages): Promise<void> {
    let failure: unknown;
    try {
      for await (const message of messages) {
        const event = this.feed.toEvent(this.source.producer, message);
        this.dispatch(event);
        this.lastSeq = event.seq;
      }
    } catch (error) {
      failure = error;
    }
    if (this.stopped) return;
    // The ordered consumer survives reconnects; ending on its own means the stream is gone.
    this.feed.logger.warn({ err: failure, source: this.source }, 'subscription feed lost a stream');
    this.stop();
    for (const inbox of this.inboxes)
      inbox.fail(feedUnavailable('The event stream was interrupted; subscribe again with the last cursor'));
  }

  private dispatch(event: FeedEvent): void {
    for (const inbox of this.unrouted) inbox.push(event);
    if (!event.envelope || this.routes.size === 0) return;
    for (const { keyOf, byKey } of this.routes.values()) {
      const key = keyOf(event.envelope);
      if (key === undefined) continue;
      if (typeof key === 'string') {
        for (const inbox of byKey.get(key) ?? []) inbox.push(event);
        continue;
      }
      // an inbox joins under one key of a kind, so distinct keys never hand it an event twice
      for (const one of new Set(key)) for (const inbox of byKey.get(one) ?? []) inbox.push(event);
    }
  }

  join(inbox: FeedInbox): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.inboxes.add(inbox);
    const route = inbox.route;
    if (!route) return void this.unrouted.add(inbox);
    let kind = this.routes.get(route.kind);
    if (!kind) this.routes.set(route.kind, (kind = { keyOf: route.keyOf, byKey: new Map() }));
    let subscribers = kind.byKey.get(route.key);
    if (!subscribers) kind.byKey.set(route.key, (subscribers = new Set()));
    subscribers.add(inbox);
  }

  leave(inbox: FeedInbox): void {
    this.inboxes.delete(inbox);
    this.unrouted.delete(inbox);
    const route = inbox.route;
    const kind = route ? this.routes.get(route.kind) : undefined;
    const subscribers = route ? kind?.byKey.get(route.key) : undefined;
    if (route && kind && subscribers) {
      subscribers.delete(inbox);
      if (subscribers.size === 0) kind.byKey.delete(route.key);
      if (kind.byKey.size === 0) this.routes.delete(route.kind);
    }
    if (this.inboxes.size > 0 || this.stopped) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.inboxes.size === 0) this.stop();
    }, this.feed.idleTailMs);
    this.idleTimer.unref();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.idleTimer);
    this.forget();
    this.messages?.stop();
  }
}

/** A subscriber's waiting live events: bounded, so a client that does not read cannot grow the gateway. */
class FeedInbox {
  private items: FeedEvent[] = [];
  private head = 0;
  private failure?: unknown;
  private closed = false;
  private wake?: () => void;

  /** Events waiting per producer: none means every event of its tail up to `lastSeq` was taken. */
  private readonly waiting = new Map<Producer, number>();

  constructor(
    private readonly max: number,
    readonly route?: FeedRoute,
  ) {}

  push(event: FeedEvent): void {
    if (this.failure !== undefined || this.closed) return;
    if (this.items.length - this.head >= this.max) return this.fail(subscriberTooSlow(this.max));
    this.items.push(event);
    this.waiting.set(event.producer, (this.waiting.get(event.producer) ?? 0) + 1);
    this.wake?.();
  }

  hasWaiting(producer: Producer): boolean {
    return (this.waiting.get(producer) ?? 0) > 0;
  }

  fail(error: unknown): void {
    this.failure ??= error;
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  /** The next event, 'idle' after `timeoutMs` without one, 'closed' once closed; throws a failure. */
  async next(timeoutMs: number): Promise<FeedEvent | 'idle' | 'closed'> {
    for (;;) {
      if (this.closed) return 'closed';
      if (this.failure !== undefined) throw this.failure;
      if (this.head < this.items.length) {
        const event = this.items[this.head++];
        this.waiting.set(event.producer, (this.waiting.get(event.producer) ?? 1) - 1);
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items = this.items.slice(this.head);
          this.head = 0;
        }
        return event;
      }
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      this.wake = undefined;
      if (!woken) return 'idle';
    }
  }
}

/**
 * One subscriber's view of its sources: the replay from its cursor (the sources merged by the time
 * the events were stored), then the live events, each at most once per stream sequence.
 */
export class FeedReader {
  private replay?: AsyncGenerator<FeedEvent>;
  private readonly replaying = new Set<ConsumerMessages>();
  private closed = false;

  constructor(
    private readonly feed: EventFeed,
    sources: readonly FeedSource[],
    private readonly positions: FeedPositions,
    ends: Map<Producer, StreamState>,
    private readonly inbox: FeedInbox,
    private readonly tails: readonly StreamTail[],
    private readonly onClose: () => void,
  ) {
    const behind = sources.filter(
      (s) => (positions[s.producer]?.seq ?? 0) < (ends.get(s.producer)?.last ?? 0),
    );
    if (behind.length)
      this.replay = mergeByTime(
        behind.map((s) =>
          this.replaySource(s, (positions[s.producer] as StreamPosition).seq + 1, ends.get(s.producer)!.last),
        ),
      );
  }

  /**
   * Where this subscriber stands now, for the cursor of its next payload. Past its replay, with nothing
   * of a stream waiting for it, it stands where that stream's tail is: every event since was someone
   * else's (routed away from it, or not its own).
   */
  current(): FeedPositions {
    if (!this.replay && !this.closed) {
      // with two filters on one stream, the tail that is furthest behind says how far all are
      const reached = new Map<Producer, number>();
      for (const tail of this.tails)
        reached.set(tail.producer, Math.min(reached.get(tail.producer) ?? Infinity, tail.lastSeq));
      for (const [producer, seq] of reached) {
        const position = this.positions[producer];
        if (position && !this.inbox.hasWaiting(producer) && seq > position.seq) position.seq = seq;
      }
    }
    const copy: FeedPositions = {};
    for (const [producer, position] of Object.entries(this.positions) as [Producer, StreamPosition][])
      copy[producer] = { ...position };
    return copy;
  }

  /**
   * The next event of its sources (valid or not: positions move either way), 'idle' after `idleMs`
   * without one, 'caught-up' once when a replay has ended, or 'closed'.
   */
  async next(idleMs: number): Promise<FeedEvent | 'idle' | 'closed' | 'caught-up'> {
    while (this.replay && !this.closed) {
      const step = await this.replay.next();
      if (step.done) {
        this.replay = undefined;
        // said once, between the last replayed event and the first live one
        if (!this.closed) return 'caught-up';
        break;
      }
      if (this.advance(step.value)) return step.value;
    }
    for (;;) {
      if (this.closed) return 'closed';
      const next = await this.inbox.next(idleMs);
      if (typeof next === 'string') return next;
      if (this.advance(next)) return next;
    }
  }

  private advance(event: FeedEvent): boolean {
    const position = this.positions[event.producer];
    if (!position || event.seq <= position.seq) return false;
    position.seq = event.seq;
    return true;
  }

  private async *replaySource(
    source: FeedSource,
    fromSeq: number,
    upToSeq: number,
  ): AsyncGenerator<FeedEvent> {
    const consumer = await this.feed.js.consumers.get(this.feed.streamName(source.producer), {
      filterSubjects: this.feed.wireFilter(source),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: fromSeq,
    });
    const messages = await consumer.consume({ max_messages: 256 });
    this.replaying.add(messages);
    try {
      if (this.closed) return;
      // num_pending when the consumer was created: nothing of this filter since the cursor
      if ((await consumer.info(true)).num_pending === 0) return;
      for await (const message of messages) {
        yield this.feed.toEvent(source.producer, message);
        // up to the end read when the subscriber joined the tail; the tail has everything after it
        if (message.seq >= upToSeq || message.info.pending === 0) return;
      }
    } finally {
      this.replaying.delete(messages);
      messages.stop();
      await consumer.delete().catch(() => undefined);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const messages of this.replaying) messages.stop();
    this.inbox.close();
    this.onClose();
  }
}

/** Several ordered sources as one, earliest stored first (ties: the order the sources were given). */
async function* mergeByTime(sources: AsyncGenerator<FeedEvent>[]): AsyncGenerator<FeedEvent> {
  const heads = await Promise.all(sources.map((source) => source.next()));
  try {
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i];
        if (head.done) continue;
        const bestHead = best >= 0 ? heads[best] : undefined;
        if (!bestHead || bestHead.done || head.value.timestampMs < bestHead.value.timestampMs) best = i;
      }
      if (best < 0) return;
      const chosen = heads[best];
      if (chosen.done) return;
      yield chosen.value;
      heads[best] = await sources[best].next();
    }
  } finally {
    await Promise.all(sources.map((source) => source.return(undefined)));
  }
}
