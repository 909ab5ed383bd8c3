import type { Logger } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { CalendarDate } from '../domain/calendar-date';
import { expire } from '../domain/certification-lifecycle';
import { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import { saveStep, stateOf } from './certification-rows';

export const EXPIRY_ACTOR = 'system:expiry';

/**
 * Records the expiry of every certification past its expiry date (or past the transfer deadline of
 * an RCB that lost its appointment), in batches (each its own
 * transaction, rows locked with SKIP LOCKED so several instances share the work). Readers never
 * wait for this: they already derive EXPIRED from the dates.
 */
export async function expireDueCertifications(
  dataSource: DataSource,
  today: CalendarDate,
  options: { batchSize?: number; logger?: Logger } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 200;
  let total = 0;
  for (;;) {
    const expired = await dataSource.transaction(async (manager) => {
      const due = await manager
        .getRepository(OrganizationCertificationEntity)
        .createQueryBuilder('c')
        .where(
          `c.status IN ('CERTIFIED', 'SUSPENDED') AND (c.expiry < :today OR c.transfer_deadline < :today)`,
          { today },
        )
        .orderBy('c.expiry', 'ASC')
        .limit(batchSize)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      for (const certification of due) {
        const step = expire(stateOf(certification), { today }, certification.transferDeadline);
        await saveStep(manager, certification, step, { actor: EXPIRY_ACTOR }, today);
      }
      return due.length;
    });
    total += expired;
    if (expired < batchSize) break;
  }
  if (total > 0) options.logger?.info({ expired: total }, 'certifications expired');
  return total;
}
