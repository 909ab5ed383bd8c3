import type { ConsumerFreshness } from '@iso20000/events';
import { IntervalWorker, type Logger } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { processCertificationUploads } from '../commands/process-certification-uploads';
import { todayUtc } from '../domain/calendar-date';

/**
 * Every interval: processes the submitted uploads, one after another (replicas each take a different
 * one: the claim skips locked rows; a worker that dies leaves a lease that runs out, and another resumes).
 */
export function certificationUploadJob(deps: {
  dataSource: DataSource;
  logger: Logger;
  rcbStatusCopy: Pick<ConsumerFreshness, 'assertCurrent'>;
  intervalMs: number;
  clock: () => Date;
}): IntervalWorker {
  const { dataSource, logger, clock, rcbStatusCopy } = deps;
  return new IntervalWorker({
    name: 'certification-uploads',
    intervalMs: deps.intervalMs,
    logger,
    run: async () => {
      const now = clock();
      const processed = await processCertificationUploads(
        { dataSource, now, today: todayUtc(now), rcbStatusCopy },
        { logger },
      );
      return { processed };
    },
  });
}
