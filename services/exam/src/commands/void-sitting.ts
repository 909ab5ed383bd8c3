import type { Viewer } from '@iso20000/auth';
import { Events, recordEvent } from '@iso20000/events';
import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { SittingEntity } from '../entities/sitting.entity';
import { removeReleasedResult } from '../statistics';
import { lockSitting, moveSitting } from './sitting-moves';

/** Malpractice: voids the sitting at any point; a released result is withdrawn (and its certificate revoked). */
export async function voidSitting(
  dataSource: DataSource,
  cmd: { sittingId: string; reason: string },
  actor: Viewer,
  requestId?: string,
): Promise<SittingEntity> {
  const reason = cmd.reason.trim();
  if (reason.length === 0)
    throw refuse.badInput(
      'give the reason for voiding (reason); it is kept and told to the certificate service',
    );
  return dataSource.transaction(async (manager) => {
    const sitting = await lockSitting(manager, cmd.sittingId);
    const wasReleased = sitting.state === 'RELEASED';
    await moveSitting(manager, sitting, 'VOIDED', actor, reason);
    sitting.voidReason = reason;
    await manager.update(SittingEntity, { id: sitting.id }, { voidReason: reason });
    await recordEvent(
      manager,
      Events.ExamSittingVoided,
      {
        sittingId: sitting.id,
        candidateId: sitting.candidateId,
        examCode: sitting.examCode,
        reason,
        voidedAt: new Date().toISOString(),
        atoId: sitting.atoId,
      },
      { requestId },
    );
    if (wasReleased) await removeReleasedResult(manager, sitting.id);
    return sitting;
  });
}
