import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@iso20000/service-kit';

export interface WorkerSupervisor {
  /** Resolves when every worker is listening. */
  ready: Promise<void>;
  /** SIGTERM to every worker (each drains its own requests), resolved when all have exited. */
  stop(): Promise<void>;
}

/**
 * Forks `count` gateway workers and replaces one that dies unexpectedly (after a short pause, so a
 * worker that crashes at start cannot spin the machine).
 */
export function superviseWorkers({ count, logger }: { count: number; logger: Logger }): WorkerSupervisor {
  let stopping = false;
  const live = new Set<Worker>();
  let listening = 0;
  let resolveReady: () => void = () => undefined;
  let rejectReady: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });

  const fork = () => {
    const worker = cluster.fork();
    live.add(worker);
    worker.once('listening', () => {
      listening += 1;
      if (listening === count) resolveReady();
    });
    worker.once('exit', (code, signal) => {
      live.delete(worker);
      if (stopping) return;
      if (listening < count) {
        rejectReady(new Error(`gateway worker exited during start (code ${code}, signal ${signal})`));
        return;
      }
      logger.error({ code, signal, pid: worker.process.pid }, 'gateway worker died; starting another');
      setTimeout(() => {
        if (!stopping) fork();
      }, 1_000).unref();
    });
  };
  for (let i = 0; i < count; i += 1) fork();
  logger.info({ workers: count }, 'gateway workers started');

  return {
    ready,
    stop: async () => {
      stopping = true;
      await Promise.all(
        [...live].map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) return resolve();
              worker.once('exit', () => resolve());
              worker.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
