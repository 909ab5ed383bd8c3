import type { SchemeExam } from '@iso20000/scheme';

export type {
  ExamCode,
  ExamFormat,
  ExamLanguage,
  ExamMarking,
  ExamPrerequisite,
  ExamRelease,
} from '@iso20000/scheme';

/**
 * The rules of an exam as the scheme publishes them (@iso20000/scheme). The values live in the
 * `exams` table (loaded by a data migration); the domain functions take them as arguments so no
 * number of the scheme is written into logic.
 */
export type ExamRules = Pick<
  SchemeExam,
  | 'code'
  | 'format'
  | 'questionCount'
  | 'marksPerQuestion'
  | 'maxMarks'
  | 'passMark'
  | 'trainerEligibilityPercentage'
  | 'selfStudyAllowed'
  | 'prerequisite'
  | 'requiredAuditExperienceYears'
  | 'marking'
  | 'release'
  | 'languages'
>;

/** Score as a percentage of the maximum, two decimals (53/80 -> 66.25). */
export function percentageOf(score: number, maxMarks: number): number {
  return Math.round((score * 10000) / maxMarks) / 100;
}

/** The lowest score that makes a candidate trainer eligible (66% of 80 -> 53), or null. */
export function trainerEligibilityScore(
  exam: Pick<ExamRules, 'trainerEligibilityPercentage' | 'maxMarks'>,
): number | null {
  if (exam.trainerEligibilityPercentage === null) return null;
  return Math.ceil((exam.trainerEligibilityPercentage * exam.maxMarks) / 100);
}

export interface Grade {
  score: number;
  maxScore: number;
  percentage: number;
  passed: boolean;
  trainerEligible: boolean;
}

/** Pass/fail by the exam's pass mark; trainer eligibility by its threshold (a fail is never eligible). */
export function gradeScore(exam: ExamRules, score: number): Grade {
  if (!Number.isInteger(score) || score < 0 || score > exam.maxMarks) {
    throw new RangeError(`score ${score} is outside 0..${exam.maxMarks} for ${exam.code}`);
  }
  const passed = score >= exam.passMark;
  const threshold = trainerEligibilityScore(exam);
  return {
    score,
    maxScore: exam.maxMarks,
    percentage: percentageOf(score, exam.maxMarks),
    passed,
    trainerEligible: passed && threshold !== null && score >= threshold,
  };
}

export function offersLanguage(exam: ExamRules, language: string): boolean {
  return exam.languages.some((l) => l.tag === language);
}
