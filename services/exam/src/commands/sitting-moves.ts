import { randomUUID } from 'node:crypto';
import type { Viewer } from '@iso20000/auth';
import type { EntityManager } from 'typeorm';
import { refuse } from '@iso20000/service-kit';
import { assertTransition, type SittingState } from '../domain/sitting-lifecycle';
import { ExamSessionEntity } from '../entities/exam-session.entity';
import { ExamEntity } from '../entities/exam.entity';
import { SittingTransitionEntity } from '../entities/sitting-transition.entity';
import { SittingEntity } from '../entities/sitting.entity';

/** Locks the sitting row for the rest of the transaction, so two staff cannot move it at once. */
export async function lockSitting(manager: EntityManager, sittingId: string): Promise<SittingEntity> {
  const sitting = await manager.findOne(SittingEntity, {
    where: { id: sittingId },
    lock: { mode: 'pessimistic_write' },
  });
  if (!sitting) throw refuse.notFound(`no sitting ${sittingId}`);
  return sitting;
}

export async function loadExam(manager: EntityManager, code: string): Promise<ExamEntity> {
  const exam = await manager.findOneBy(ExamEntity, { code: code as ExamEntity['code'] });
  if (!exam) throw new Error(`reference data missing: exam ${code}`);
  return exam;
}

export async function loadSession(manager: EntityManager, id: string): Promise<ExamSessionEntity> {
  const session = await manager.findOneBy(ExamSessionEntity, { id });
  if (!session) throw refuse.notFound(`no exam session ${id}`);
  return session;
}

export async function recordTransition(
  manager: EntityManager,
  sittingId: string,
  from: SittingState | null,
  to: SittingState,
  actor: Viewer,
  reason: string | null = null,
  at: Date = new Date(),
): Promise<void> {
  await manager.insert(SittingTransitionEntity, {
    id: randomUUID(),
    sittingId,
    fromState: from,
    toState: to,
    actorSubject: actor.subject,
    actorRole: actor.role,
    reason,
    occurredAt: at,
  });
}

/** Moves a sitting if the lifecycle allows it, recording who moved it and when. */
export async function moveSitting(
  manager: EntityManager,
  sitting: SittingEntity,
  to: SittingState,
  actor: Viewer,
  reason: string | null = null,
): Promise<void> {
  const from = sitting.state;
  assertTransition(from, to);
  sitting.state = to;
  await manager.update(SittingEntity, { id: sitting.id }, { state: to });
  await recordTransition(manager, sitting.id, from, to, actor, reason);
}
