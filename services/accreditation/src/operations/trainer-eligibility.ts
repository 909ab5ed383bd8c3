import type { ServiceContext } from '../context';
import {
  trainerEligibilities,
  trainerEligibilityFor,
  type ExamCode,
  type TrainerEligibility,
} from '../domain/trainer-eligibility';
import type { TrainerEntity } from '../entities/trainer.entity';

/** Per exam level, whether this trainer may deliver it and why, from the certificates we have heard of. */
export async function eligibilityOf(
  context: ServiceContext,
  trainer: TrainerEntity,
): Promise<TrainerEligibility[]> {
  const [reference, qualifications] = await Promise.all([
    context.loaders.examReference(),
    context.loaders.qualificationsByCandidateId.load(trainer.candidateId),
  ]);
  return trainerEligibilities(
    [...reference.values()],
    qualifications.map((q) => ({
      certificateNumber: q.certificateNumber,
      examCode: q.examCode,
      percentage: q.percentage,
      revoked: q.revokedAt !== null,
    })),
  );
}

export async function eligibilityFor(
  context: ServiceContext,
  trainer: TrainerEntity,
  examCode: ExamCode,
): Promise<TrainerEligibility> {
  const reference = await context.loaders.examReference();
  const level = reference.get(examCode);
  if (!level) throw new Error(`exam reference data has no ${examCode}`);
  const qualifications = await context.loaders.qualificationsByCandidateId.load(trainer.candidateId);
  return trainerEligibilityFor(
    level,
    qualifications.map((q) => ({
      certificateNumber: q.certificateNumber,
      examCode: q.examCode,
      percentage: q.percentage,
      revoked: q.revokedAt !== null,
    })),
  );
}
