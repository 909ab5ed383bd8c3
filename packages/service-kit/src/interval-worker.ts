import type { BackgroundWorker } from './assemble-service';
import type { Logger } from './logger';

export interface IntervalWorkerOptions {
  /** Shown in logs, e.g. `certification-expiry`. */
  name: string;
  intervalMs: number;
  logger: Logger;
  /** One pass of the job; what it returns is only logged at debug level. */
  run: () => Promise<unknown>;
  /** Run a pass at start, before the first interval (default true). */
  runAtStart?: boolean;
}

/**
 * Runs a job every interval, never two passes at once: a pass still running when the next tick
 * comes is not doubled (a slow pass over thousands of rows must not pile up), a failed pass is
 * logged and the next tick tries again, and stop() waits for the running pass to finish.
 */
export class IntervalWorker implements BackgroundWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: IntervalWorkerOptions) {
    if (!(options.intervalMs > 0)) throw new Error(`${options.name}: intervalMs must be positive`);
  }

  get name(): string {
    return this.options.name;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    // a job timer alone must not keep a process (or a test) alive
    this.timer.unref();
    if (this.options.runAtStart ?? true) void this.tick();
  }

  /** Runs a pass now, or waits for the one already running. */
  runNow(): Promise<void> {
    return this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private tick(): Promise<void> {
    if (this.running) return this.running;
    const { name, logger, run } = this.options;
    this.running = run()
      .then(
        (result) => logger.debug({ worker: name, result }, 'interval job pass done'),
        (err: unknown) => logger.error({ err, worker: name }, 'interval job pass failed; next tick retries'),
      )
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
