/**
 * The rules of an exam as the scheme publishes them. The values live in the `exams` table
 * (loaded by a data migration); the domain functions take them as arguments so no number of the
 * scheme is written into logic.
 */
export const EXAM_CODES = ['FOUNDATION', 'PRACTITIONER', 'AUDITOR'] as const;
export type ExamCode = (typeof EXAM_CODES)[number];

export type ExamFormat = 'MULTIPLE_CHOICE' | 'COMPLEX_MULTIPLE_CHOICE';
export type ExamPrerequisite = 'NONE' | 'FOUNDATION_CERTIFICATE' | 'AUDIT_EXPERIENCE';
/** Foundation may be marked on location by the invigilator; the others only centrally. */
export type ExamMarking = 'ON_LOCATION_OR_CENTRAL' | 'CENTRAL';
/** Foundation is released on marking; the others centrally by scheme staff. */
export type ExamRelease = 'ON_MARKING' | 'CENTRAL';

export interface ExamLanguage {
  /** BCP 47 tag, e.g. `en`, `pt-BR`, `zh-Hant`. */
  tag: string;
  name: string;
}

export interface ExamRules {
  code: ExamCode;
  format: ExamFormat;
  questionCount: number;
  marksPerQuestion: number;
  maxMarks: number;
  passMark: number;
  /** Percentage of the maximum a score must reach for trainer eligibility; null: no trainer route. */
  trainerEligibilityPercentage: number | null;
  selfStudyAllowed: boolean;
  prerequisite: ExamPrerequisite;
  requiredAuditExperienceYears: number | null;
  marking: ExamMarking;
  release: ExamRelease;
  languages: ExamLanguage[];
}

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
