import type { Viewer } from '@iso20000/auth';
import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { SittingEntity } from '../entities/sitting.entity';
import { lockSitting, moveSitting } from './sitting-moves';

/** Scheme staff settle a prerequisite that waits for them; a rejection cancels the registration. */
export async function decideSittingPrerequisite(
  dataSource: DataSource,
  cmd: { sittingId: string; approved: boolean; note: string | null },
  actor: Viewer,
): Promise<SittingEntity> {
  return dataSource.transaction(async (manager) => {
    const sitting = await lockSitting(manager, cmd.sittingId);
    if (sitting.prerequisiteStatus !== 'PENDING') {
      throw refuse.conflict(
        `this sitting's prerequisite is ${sitting.prerequisiteStatus.toLowerCase().replace('_', ' ')}, not waiting for a decision`,
      );
    }
    if (sitting.state !== 'REGISTERED') {
      throw refuse.conflict(
        `the sitting is ${sitting.state.toLowerCase()}; prerequisites are decided before the exam`,
      );
    }
    if (!cmd.approved && !cmd.note?.trim()) {
      throw refuse.badInput('say why the prerequisite is rejected (note); the candidate is told');
    }
    const now = new Date();
    const status = cmd.approved ? 'VERIFIED' : 'REJECTED';
    Object.assign(sitting, {
      prerequisiteStatus: status,
      prerequisiteDecidedBy: actor.subject,
      prerequisiteDecidedAt: now,
      prerequisiteDecisionNote: cmd.note?.trim() || null,
    });
    await manager.update(
      SittingEntity,
      { id: sitting.id },
      {
        prerequisiteStatus: status,
        prerequisiteDecidedBy: actor.subject,
        prerequisiteDecidedAt: now,
        prerequisiteDecisionNote: sitting.prerequisiteDecisionNote,
      },
    );
    if (!cmd.approved)
      await moveSitting(manager, sitting, 'CANCELLED', actor, `prerequisite rejected: ${cmd.note?.trim()}`);
    return sitting;
  });
}
