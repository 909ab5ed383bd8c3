import type { Viewer } from '@iso20000/auth';
import { Events, recordEvent } from '@iso20000/events';
import type { DataSource, EntityManager } from 'typeorm';
import { refuse } from '@iso20000/service-kit';
import type { ExamEntity } from '../entities/exam.entity';
import { CandidateEntity } from '../entities/candidate.entity';
import { ItemResponseEntity } from '../entities/item-response.entity';
import { SittingEntity } from '../entities/sitting.entity';
import { recordReleasedResult } from '../statistics';
import { loadExam, loadSession, lockSitting, moveSitting } from './sitting-moves';

/**
 * Releases a marked result inside the caller's transaction: the state, the event the certificate
 * service listens to, and the statistics fact commit together or not at all.
 */
export async function releaseMarkedSitting(
  manager: EntityManager,
  sitting: SittingEntity,
  exam: ExamEntity,
  actor: Viewer,
  requestId: string | undefined,
  now = new Date(),
): Promise<void> {
  if (
    sitting.score === null ||
    sitting.maxScore === null ||
    sitting.percentage === null ||
    sitting.passed === null ||
    sitting.trainerEligible === null ||
    sitting.formId === null
  ) {
    throw refuse.conflict('the sitting has no marked result to release');
  }
  await moveSitting(manager, sitting, 'RELEASED', actor);
  // Foundation goes straight to the candidate; central results go to the ATO that notifies its candidates.
  const releasedTo = exam.release === 'ON_MARKING' || sitting.atoId === null ? 'CANDIDATE' : 'ATO';
  sitting.releasedAt = now;
  sitting.releasedTo = releasedTo;
  await manager.update(SittingEntity, { id: sitting.id }, { releasedAt: now, releasedTo });

  const candidate = await manager.findOneByOrFail(CandidateEntity, { id: sitting.candidateId });
  const session = await loadSession(manager, sitting.sessionId);
  await recordEvent(
    manager,
    Events.ExamSittingReleased,
    {
      sittingId: sitting.id,
      candidateId: sitting.candidateId,
      candidateName: candidate.name,
      examCode: sitting.examCode,
      language: sitting.language,
      atoId: sitting.atoId,
      sessionId: sitting.sessionId,
      score: sitting.score,
      maxScore: sitting.maxScore,
      percentage: sitting.percentage,
      passed: sitting.passed,
      trainerEligible: sitting.trainerEligible,
      satOn: sitting.satOn,
      releasedAt: now.toISOString(),
    },
    { requestId },
  );
  const responses = await manager.find(ItemResponseEntity, {
    where: { sittingId: sitting.id },
    order: { itemNumber: 'ASC' },
  });
  await recordReleasedResult(manager, {
    sittingId: sitting.id,
    examCode: sitting.examCode,
    language: sitting.language,
    country: session.country,
    // statistics count a sitting under the ATO that ran the session; a course attended before a public session is not that
    atoId: sitting.route === 'ATO_COURSE' ? sitting.atoId : null,
    sessionKind: sitting.route,
    formId: sitting.formId,
    satOn: sitting.satOn,
    score: sitting.score,
    maxScore: sitting.maxScore,
    percentage: sitting.percentage,
    passed: sitting.passed,
    trainerEligible: sitting.trainerEligible,
    itemResponses: responses.map((r) => ({
      itemNumber: r.itemNumber,
      chosenOption: r.chosenOption,
      correct: r.correct,
      marks: r.marks,
      maxMarks: r.maxMarks,
    })),
  });
}

/** Scheme staff release one marked result (to the ATO, or to a candidate without one). */
export async function releaseSittingResult(
  dataSource: DataSource,
  sittingId: string,
  actor: Viewer,
  requestId?: string,
): Promise<SittingEntity> {
  return dataSource.transaction(async (manager) => {
    const sitting = await lockSitting(manager, sittingId);
    if (sitting.state !== 'MARKED') {
      throw refuse.conflict(
        `only a marked sitting can be released; this one is ${sitting.state.toLowerCase()}`,
      );
    }
    await releaseMarkedSitting(manager, sitting, await loadExam(manager, sitting.examCode), actor, requestId);
    return sitting;
  });
}
