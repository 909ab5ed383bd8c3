import { IntervalWorker, type Logger } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { expireDueCertifications } from '../commands/expire-due-certifications';
import { forgetOldIdempotencyKeys } from '../commands/forget-old-idempotency-keys';
import { todayUtc } from '../domain/calendar-date';

/**
 * Every interval (and once at start): records the expiry of certifications past their expiry date,
 * then forgets idempotency keys past their retention. Once per tick across the registry's replicas.
 */
export function certificationExpiryJob(deps: {
  dataSource: DataSource;
  logger: Logger;
  intervalMs: number;
  clock: () => Date;
}): IntervalWorker {
  const { dataSource, logger, clock } = deps;
  return new IntervalWorker({
    name: 'certification-expiry',
    intervalMs: deps.intervalMs,
    logger,
    dataSource, // once per tick across replicas
    run: async () => {
      const now = clock();
      const expired = await expireDueCertifications(dataSource, todayUtc(now), { logger });
      const forgotten = await forgetOldIdempotencyKeys(dataSource, now);
      return { expired, forgotten };
    },
  });
}
