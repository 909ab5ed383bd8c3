import type { Logger } from '@iso20000/service-kit';
import { CertificationTransferEntity } from '../entities/certification-transfer.entity';
import type { CommandContext } from './certification-change';
import { completeTransfer } from './transfer-rows';

export const TRANSFER_ACTOR = 'system:transfer';

/**
 * Completes every PENDING transfer whose objection window has ended without objection, each in its
 * own transaction (rows locked with SKIP LOCKED, so replicas share the work and none completes one
 * twice: the status is checked under the lock).
 */
export async function completeDueTransfers(
  ctx: Omit<CommandContext, 'requestId'>,
  options: { batchSize?: number; logger?: Logger } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 50;
  let total = 0;
  for (;;) {
    const done = await ctx.dataSource.transaction(async (manager) => {
      const due = await manager
        .getRepository(CertificationTransferEntity)
        .createQueryBuilder('t')
        .where(`t.status = 'PENDING' AND t.objection_deadline <= :now`, { now: ctx.now })
        .orderBy('t.objection_deadline', 'ASC')
        .limit(batchSize)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      for (const transfer of due)
        await completeTransfer(ctx, manager, transfer, 'OBJECTION_WINDOW_ENDED', { actor: TRANSFER_ACTOR });
      return due.length;
    });
    total += done;
    if (done < batchSize) break;
  }
  if (total > 0) options.logger?.info({ closed: total }, 'transfers past their objection window closed');
  return total;
}
