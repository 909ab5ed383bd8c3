import { type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { type EventDefinition } from './catalogue';
import { streamNameFor } from './streams';

/**
 * A copy of another service's state (an RCB's or ATO's status) cannot be shown current, so a
 * permission decided on it could be wrong: the write is refused, retryable (SERVICE_UNAVAILABLE).
 */
export class ReplicaNotCurrentError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'ReplicaNotCurrentError';
  }
}

export interface ConsumerFreshnessOptions {
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  /** The durable consumer (an EventConsumer's durableName) that keeps the copy. */
  durableName: string;
  event: EventDefinition<unknown>;
  /** What the copy holds, for messages: e.g. 'RCB status'. */
  copyOf: string;
  /** How old the last proof of currency may be before assertCurrent() refuses. Default 10 000 ms. */
  maxStalenessMs?: number;
}

/**
 * Shows a consumer-kept copy current: JetStream answering that the durable consumer has nothing
 * pending and nothing unacknowledged means every event in the stream was applied when it was asked.
 * No answer (NATS or JetStream down, the consumer missing) proves nothing, so the proof ages.
 */
export class ConsumerFreshness {
  private readonly maxStalenessMs: number;
  private readonly checkIntervalMs: number;
  private readonly stream: string;
  private currentAt = 0;
  private running = false;
  private loop: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private pending: Promise<void> | null = null;

  constructor(private readonly options: ConsumerFreshnessOptions) {
    this.maxStalenessMs = options.maxStalenessMs ?? 10_000;
    // several proofs per bound, so one slow answer does not make a healthy copy look stale
    this.checkIntervalMs = Math.max(50, Math.min(1_000, Math.floor(this.maxStalenessMs / 4)));
    this.stream = streamNameFor(options.event.subject, options.namespace);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
  }

  /**
   * Resolves if the copy was shown current within the bound, else asks JetStream once more (at
   * start, or after a quiet spell) and throws ReplicaNotCurrentError if that proves nothing either.
   */
  async assertCurrent(): Promise<void> {
    if (Date.now() - this.currentAt <= this.maxStalenessMs) return;
    this.pending ??= this.check().finally(() => (this.pending = null));
    await this.pending;
    const age = Date.now() - this.currentAt;
    if (age <= this.maxStalenessMs) return;
    this.options.logger.warn(
      { copy: this.options.copyOf, ageMs: this.currentAt ? age : null, maxStalenessMs: this.maxStalenessMs },
      'replicated copy not known to be current; refusing a write that depends on it',
    );
    throw new ReplicaNotCurrentError(
      `The ${this.options.copyOf} this depends on cannot be confirmed current right now; try again shortly`,
      Math.max(1, Math.ceil(this.checkIntervalMs / 1000)),
    );
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.check();
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.checkIntervalMs);
      });
    }
  }

  private async check(): Promise<void> {
    const askedAt = Date.now();
    try {
      const jsm = await this.options.nc.jetstreamManager({
        timeout: Math.max(100, Math.min(2_000, this.maxStalenessMs / 2)),
      });
      const info = await jsm.consumers.info(this.stream, this.options.durableName);
      if (info.num_pending === 0 && info.num_ack_pending === 0)
        this.currentAt = Math.max(this.currentAt, askedAt);
    } catch (err) {
      this.options.logger.debug({ err, copy: this.options.copyOf }, 'replicated copy not confirmed current');
    }
  }
}
