import type { ConsumerFreshness } from '@iso20000/events';
import { IntervalWorker, type Logger } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { CommandContext } from '../commands/certification-change';
import { todayUtc } from '../domain/calendar-date';

export interface WorkerJobDeps {
  dataSource: DataSource;
  logger: Logger;
  rcbStatusCopy: Pick<ConsumerFreshness, 'assertCurrent'>;
  intervalMs: number;
  clock: () => Date;
}

/** A job that runs commands as the registry itself: each pass gets the clock's now and today. */
export function workerContextJob(
  name: string,
  deps: WorkerJobDeps,
  run: (ctx: Omit<CommandContext, 'requestId'>) => Promise<unknown>,
): IntervalWorker {
  const { dataSource, logger, clock, rcbStatusCopy } = deps;
  return new IntervalWorker({
    name,
    intervalMs: deps.intervalMs,
    logger,
    run: () => {
      const now = clock();
      return run({ dataSource, now, today: todayUtc(now), rcbStatusCopy });
    },
  });
}
