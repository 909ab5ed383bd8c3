import type { Logger } from './logger';
import { ConfigError } from './config';

type Step = { name: string; run: () => Promise<void> };
const steps: Step[] = [];
let shuttingDown = false;

/** Registers a shutdown step; steps run in reverse order of registration (last started, first stopped). */
export function onShutdown(name: string, run: () => Promise<void>): void {
  steps.push({ name, run });
}

export async function shutdown(logger: Logger, reason: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ reason }, 'shutting down');
  for (const step of [...steps].reverse()) {
    try {
      await step.run();
      logger.debug({ step: step.name }, 'stopped');
    } catch (error) {
      logger.error({ err: error, step: step.name }, 'shutdown step failed');
    }
  }
}

/**
 * Runs a service's main: SIGTERM/SIGINT stop it gracefully (stop taking requests, drain, close NATS
 * and PostgreSQL); a configuration error is printed plainly and exits 1.
 */
export function runService(logger: Logger, main: () => Promise<void>): void {
  const stop = (signal: string) => {
    const forced = setTimeout(() => {
      logger.error('shutdown took longer than 15 s, exiting');
      process.exit(1);
    }, 15_000);
    forced.unref();
    void shutdown(logger, signal).then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  main().catch(async (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      logger.fatal({ err: error }, 'failed to start');
    }
    await shutdown(logger, 'start failed');
    process.exit(1);
  });
}
