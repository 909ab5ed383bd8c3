import type { ConsumerFreshness } from '@iso20000/events';
import { IntervalWorker, type Logger } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { completeDueTransfers } from '../commands/complete-due-transfers';
import { todayUtc } from '../domain/calendar-date';

/**
 * Every interval (and once at start): completes the transfers whose objection window ended without
 * objection. Each transfer is completed once whatever the number of replicas (row locks, status checked).
 */
export function transferCompletionJob(deps: {
  dataSource: DataSource;
  logger: Logger;
  rcbStatusCopy: Pick<ConsumerFreshness, 'assertCurrent'>;
  intervalMs: number;
  clock: () => Date;
}): IntervalWorker {
  const { dataSource, logger, clock, rcbStatusCopy } = deps;
  return new IntervalWorker({
    name: 'transfer-completion',
    intervalMs: deps.intervalMs,
    logger,
    run: async () => {
      const now = clock();
      const closed = await completeDueTransfers(
        { dataSource, now, today: todayUtc(now), rcbStatusCopy },
        { logger },
      );
      return { closed };
    },
  });
}
