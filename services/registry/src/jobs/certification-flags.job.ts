import { IntervalWorker, type Logger } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { evaluateDailyFlags } from '../commands/evaluate-daily-flags';
import { todayUtc } from '../domain/calendar-date';

/**
 * Every interval (and once at start): the rule engine's daily pass, which runs once per UTC day
 * (see evaluateDailyFlags); the other ticks of the day find it done.
 */
export function certificationFlagsJob(deps: {
  dataSource: DataSource;
  logger: Logger;
  intervalMs: number;
  clock: () => Date;
}): IntervalWorker {
  const { dataSource, logger, clock } = deps;
  return new IntervalWorker({
    name: 'certification-flags',
    intervalMs: deps.intervalMs,
    logger,
    run: () => evaluateDailyFlags(dataSource, todayUtc(clock()), { logger }),
  });
}
