import type { ExamCode } from '@iso20000/scheme';

/** What trainer eligibility needs of an exam level (from the scheme's published facts). */
export interface ExamLevelRule {
  code: ExamCode;
  name: string;
  /** Minimum score (percent) for a certificate holder to train this level; null: holding the certificate suffices. */
  trainerEligibilityPercentage: number | null;
}

/** A certificate the trainer holds, as learnt from certificate events. */
export interface HeldQualification {
  certificateNumber: string;
  examCode: ExamCode;
  percentage: number;
  revoked: boolean;
}

export interface TrainerEligibility {
  examCode: ExamCode;
  eligible: boolean;
  /** Why, in words a scheme or ATO staff member can act on. */
  reason: string;
  /** The certificate that makes the trainer eligible (or the best one that fell short). */
  certificateNumber: string | null;
}

function formatPercent(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}

/** Why a trainer may or may not deliver a course of one exam level. */
export function trainerEligibilityFor(
  level: ExamLevelRule,
  qualifications: readonly HeldQualification[],
): TrainerEligibility {
  const ofLevel = qualifications.filter((q) => q.examCode === level.code);
  const valid = ofLevel.filter((q) => !q.revoked).sort((a, b) => b.percentage - a.percentage);
  const threshold = level.trainerEligibilityPercentage;
  const best = valid[0];
  if (!best) {
    const revoked = ofLevel[0];
    return {
      examCode: level.code,
      eligible: false,
      reason: revoked
        ? `${level.name} certificate ${revoked.certificateNumber} was revoked`
        : `holds no ${level.name} certificate of this scheme`,
      certificateNumber: revoked?.certificateNumber ?? null,
    };
  }
  if (threshold === null) {
    return {
      examCode: level.code,
      eligible: true,
      reason: `holds ${level.name} certificate ${best.certificateNumber}`,
      certificateNumber: best.certificateNumber,
    };
  }
  if (best.percentage >= threshold) {
    return {
      examCode: level.code,
      eligible: true,
      reason: `${level.name} certificate ${best.certificateNumber} scored ${formatPercent(best.percentage)} (trainers need at least ${formatPercent(threshold)})`,
      certificateNumber: best.certificateNumber,
    };
  }
  return {
    examCode: level.code,
    eligible: false,
    reason: `best ${level.name} score is ${formatPercent(best.percentage)} (certificate ${best.certificateNumber}); trainers need at least ${formatPercent(threshold)}`,
    certificateNumber: best.certificateNumber,
  };
}

export function trainerEligibilities(
  levels: readonly ExamLevelRule[],
  qualifications: readonly HeldQualification[],
): TrainerEligibility[] {
  return levels.map((level) => trainerEligibilityFor(level, qualifications));
}
