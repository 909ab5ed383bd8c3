import type { ExamCode } from '@iso20000/scheme';
import type { ServiceContext } from '../context';
import {
  trainerEligibilities,
  trainerEligibilityFor,
  type HeldQualification,
  type TrainerEligibility,
} from '../domain/trainer-eligibility';
import type { TrainerEntity } from '../entities/trainer.entity';
import { examOffering, examReferences } from '../exam-reference';

async function heldBy(context: ServiceContext, trainer: TrainerEntity): Promise<HeldQualification[]> {
  const qualifications = await context.loaders.qualificationsByCandidateId.load(trainer.candidateId);
  return qualifications.map((q) => ({
    certificateNumber: q.certificateNumber,
    examCode: q.examCode,
    percentage: q.percentage,
    revoked: q.revokedAt !== null,
  }));
}

/** Per exam level, whether this trainer may deliver it and why, from the certificates we have heard of. */
export async function eligibilityOf(
  context: ServiceContext,
  trainer: TrainerEntity,
): Promise<TrainerEligibility[]> {
  return trainerEligibilities(examReferences(), await heldBy(context, trainer));
}

export async function eligibilityFor(
  context: ServiceContext,
  trainer: TrainerEntity,
  examCode: ExamCode,
): Promise<TrainerEligibility> {
  return trainerEligibilityFor(examOffering(examCode), await heldBy(context, trainer));
}
