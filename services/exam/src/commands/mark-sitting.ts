import type { Viewer } from '@iso20000/auth';
import { assertCanMark } from '../access';
import type { DataSource } from 'typeorm';
import { refuse } from '@iso20000/service-kit';
import { markAnswerSheet, type AnswerSheet } from '../domain/marking';
import { ExamFormEntity } from '../entities/exam-form.entity';
import { ItemResponseEntity } from '../entities/item-response.entity';
import { SittingEntity } from '../entities/sitting.entity';
import { releaseMarkedSitting } from './release-sitting-result';
import { loadExam, loadSession, lockSitting, moveSitting } from './sitting-moves';

export interface MarkSittingCommand {
  sittingId: string;
  formId: string | null;
  sheet: AnswerSheet;
}

/**
 * Marks a sat sitting against its form's key and stores every response (item statistics).
 * Foundation may be marked on location by the invigilating ATO; the others only centrally.
 * Foundation results are released on marking, in the same transaction. The sitting row is locked
 * first, so a sheet marked twice at once is marked once and refused once.
 */
export async function markSitting(
  dataSource: DataSource,
  cmd: MarkSittingCommand,
  actor: Viewer,
  requestId?: string,
): Promise<SittingEntity> {
  return dataSource.transaction(async (manager) => {
    const sitting = await lockSitting(manager, cmd.sittingId);
    const exam = await loadExam(manager, sitting.examCode);
    assertCanMark(actor, await loadSession(manager, sitting.sessionId), exam);
    if (sitting.state !== 'SAT') {
      throw refuse.conflict(`only a sat sitting can be marked; this one is ${sitting.state.toLowerCase()}`);
    }

    const form = cmd.formId
      ? await manager.findOneBy(ExamFormEntity, { id: cmd.formId })
      : await manager.findOne(ExamFormEntity, {
          where: { examCode: exam.code, language: sitting.language, active: true },
          order: { code: 'ASC' },
        });
    if (!form) {
      throw cmd.formId
        ? refuse.notFound(`no exam form ${cmd.formId}`)
        : refuse.conflict(`no active ${exam.code} form in ${sitting.language}; name the form (formId)`);
    }
    if (form.examCode !== exam.code || form.language !== sitting.language) {
      throw refuse.badInput(
        `form ${form.code} is a ${form.examCode} paper in ${form.language}; this sitting is ${exam.code} in ${sitting.language}`,
      );
    }

    const marked = markAnswerSheet(exam, form.answerKey, cmd.sheet);
    const result = {
      formId: form.id,
      score: marked.score,
      maxScore: marked.maxScore,
      percentage: marked.percentage,
      passed: marked.passed,
      trainerEligible: marked.trainerEligible,
    };
    Object.assign(sitting, result);
    await manager.update(SittingEntity, { id: sitting.id }, result);
    await manager.insert(
      ItemResponseEntity,
      marked.itemResponses.map((r) => ({ sittingId: sitting.id, ...r })),
    );
    await moveSitting(manager, sitting, 'MARKED', actor);
    if (exam.release === 'ON_MARKING') await releaseMarkedSitting(manager, sitting, exam, actor, requestId);
    return sitting;
  });
}
