import { ATO_ACTIVE_STATUS } from '@iso20000/scheme';
import { refuse } from '@iso20000/service-kit';
import type { ExamCode } from '@iso20000/scheme';
import type { EntityManager } from 'typeorm';
import { requireAtoAccess } from '../access';
import type { ServiceContext } from '../context';
import { courseViolations, type CourseOffer } from '../domain/course-rules';
import { AtoEntity } from '../entities/ato.entity';
import { CourseEntity } from '../entities/course.entity';
import { TrainerEntity } from '../entities/trainer.entity';
import { examOffering } from '../exam-reference';
import { eligibilityFor } from '../queries/trainer-eligibility';
import { lockedRow } from './row-lock';

/** A course as an ATO describes it, checked at the edge. */
export interface CourseDetails extends CourseOffer {
  examIncluded: boolean;
  trainerId: string | null;
}

/**
 * The ATO a course is published for, share-locked so it cannot be suspended half-way: it must exist
 * and be accredited.
 */
export async function lockPublishingAto(manager: EntityManager, atoId: string): Promise<AtoEntity> {
  const ato = await lockedRow(manager, AtoEntity, atoId, 'ATO', 'pessimistic_read');
  if (ato.status !== ATO_ACTIVE_STATUS)
    throw refuse.conflict(`Only an accredited ATO may publish courses; this one is ${ato.status}`);
  return ato;
}

/** The course rules against the ATO's accreditation and the exam's reference data, and its trainer. */
export async function checkCourse(
  context: ServiceContext,
  manager: EntityManager,
  ato: AtoEntity,
  course: CourseDetails,
): Promise<void> {
  if (!ato.examLevels.includes(course.examCode)) {
    throw refuse.badInput(
      `This ATO is accredited for ${ato.examLevels.join(', ')} only, not ${course.examCode}`,
      { field: 'input.examCode' },
    );
  }
  const [violation] = courseViolations(course, examOffering(course.examCode));
  if (violation) throw refuse.badInput(violation.message, { field: `input.${violation.field}` });
  if (course.trainerId) await checkTrainer(context, manager, ato.id, course.trainerId, course.examCode);
}

/** The trainer must work for this ATO and be eligible for the course's exam level. */
export async function checkTrainer(
  context: ServiceContext,
  manager: EntityManager,
  atoId: string,
  trainerId: string,
  examCode: ExamCode,
): Promise<void> {
  const trainer = await manager.getRepository(TrainerEntity).findOneBy({ id: trainerId });
  if (!trainer || trainer.atoId !== atoId)
    throw refuse.badInput(`No trainer ${trainerId} at this ATO; add the trainer first`, {
      field: 'trainerId',
    });
  const eligibility = await eligibilityFor(context, trainer, examCode);
  if (!eligibility.eligible) {
    throw refuse.badInput(`${trainer.name} may not deliver a ${examCode} course: ${eligibility.reason}`, {
      field: 'trainerId',
    });
  }
}

/** A course locked for change, once the viewer is known to manage its ATO. */
export async function lockCourse(
  context: ServiceContext,
  manager: EntityManager,
  courseId: string,
): Promise<CourseEntity> {
  const course = await lockedRow(manager, CourseEntity, courseId, 'course');
  requireAtoAccess(context.viewer, course.atoId);
  return course;
}

export function applyCourseDetails(course: CourseEntity, details: CourseDetails): void {
  course.examCode = details.examCode;
  course.language = details.language;
  course.country = details.country;
  course.deliveryMode = details.deliveryMode;
  course.startsOn = details.startsOn;
  course.endsOn = details.endsOn;
  course.examIncluded = details.examIncluded;
  course.trainerId = details.trainerId;
}
