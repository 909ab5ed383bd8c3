import type { Viewer } from '@iso20000/auth';
import { Events, recordEvent } from '@iso20000/events';
import type { DataSource } from 'typeorm';
import { ExamRuleViolation } from '../domain/exam-rule-violation';
import { prerequisiteAllowsSitting } from '../domain/registration';
import { SittingEntity } from '../entities/sitting.entity';
import { removeReleasedResult } from '../statistics';
import { loadSession, lockSitting, moveSitting } from './sitting-moves';

/** Scheme staff settle a prerequisite that waits for them; a rejection cancels the registration. */
export async function decideSittingPrerequisite(
  dataSource: DataSource,
  cmd: { sittingId: string; approved: boolean; note: string | null },
  actor: Viewer,
): Promise<SittingEntity> {
  return dataSource.transaction(async (manager) => {
    const sitting = await lockSitting(manager, cmd.sittingId);
    if (sitting.prerequisiteStatus !== 'PENDING') {
      throw new ExamRuleViolation(
        'CONFLICT',
        `this sitting's prerequisite is ${sitting.prerequisiteStatus.toLowerCase().replace('_', ' ')}, not waiting for a decision`,
      );
    }
    if (sitting.state !== 'REGISTERED') {
      throw new ExamRuleViolation(
        'CONFLICT',
        `the sitting is ${sitting.state.toLowerCase()}; prerequisites are decided before the exam`,
      );
    }
    if (!cmd.approved && !cmd.note?.trim()) {
      throw new ExamRuleViolation(
        'BAD_USER_INPUT',
        'say why the prerequisite is rejected (note); the candidate is told',
      );
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

/** The invigilator's record: present (sat) or absent. A candidate whose prerequisite is unsettled cannot sit. */
export async function recordSittingAttendance(
  dataSource: DataSource,
  cmd: { sittingId: string; present: boolean },
  actor: Viewer,
): Promise<SittingEntity> {
  return dataSource.transaction(async (manager) => {
    const sitting = await lockSitting(manager, cmd.sittingId);
    if (actor.role !== 'scheme_staff') {
      const session = await loadSession(manager, sitting.sessionId);
      if (!(actor.role === 'ato_staff' && session.kind === 'ATO_COURSE' && session.atoId === actor.atoId)) {
        throw new ExamRuleViolation(
          'FORBIDDEN',
          'only scheme staff, or the ATO for its own course sessions, record attendance',
        );
      }
    }
    if (
      cmd.present &&
      sitting.state === 'REGISTERED' &&
      !prerequisiteAllowsSitting(sitting.prerequisiteStatus)
    ) {
      throw new ExamRuleViolation(
        'CONFLICT',
        `the candidate's prerequisite is ${sitting.prerequisiteStatus.toLowerCase()}: scheme staff must verify it before the candidate sits`,
      );
    }
    await moveSitting(manager, sitting, cmd.present ? 'SAT' : 'ABSENT', actor);
    return sitting;
  });
}

/** Malpractice: voids the sitting at any point; a released result is withdrawn (and its certificate revoked). */
export async function voidSitting(
  dataSource: DataSource,
  cmd: { sittingId: string; reason: string },
  actor: Viewer,
  requestId?: string,
): Promise<SittingEntity> {
  const reason = cmd.reason.trim();
  if (reason.length === 0)
    throw new ExamRuleViolation(
      'BAD_USER_INPUT',
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
      },
      { requestId },
    );
    if (wasReleased) await removeReleasedResult(manager, sitting.id);
    return sitting;
  });
}
