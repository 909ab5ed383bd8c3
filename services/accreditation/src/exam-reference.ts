import { SCHEME_EXAMS, type ExamCode, type SchemeExam } from '@iso20000/scheme';
import type { ExamOffering } from './domain/course-rules';
import type { ExamLevelRule } from './domain/trainer-eligibility';

/** What courses and trainer eligibility need to know about an exam level, from the scheme's published facts. */
export type ExamReference = ExamLevelRule & ExamOffering;

const SCHEME_PREFIX = 'ISO/IEC 20000 ';

function referenceOf(exam: SchemeExam): ExamReference {
  return {
    code: exam.code,
    // Within the scheme the level's own word names it ("the Practitioner exam").
    name: exam.name.startsWith(SCHEME_PREFIX) ? exam.name.slice(SCHEME_PREFIX.length) : exam.name,
    selfStudyAllowed: exam.selfStudyAllowed,
    trainerEligibilityPercentage: exam.trainerEligibilityPercentage,
    // Listed in tag order, as this API always has.
    languages: exam.languages.map((language) => language.tag).sort(),
  };
}

const REFERENCES: readonly ExamReference[] = SCHEME_EXAMS.map(referenceOf);

/** Every exam level, in the scheme's order. */
export function examReferences(): readonly ExamReference[] {
  return REFERENCES;
}

export function examOffering(code: ExamCode): ExamReference {
  const reference = REFERENCES.find((level) => level.code === code);
  if (!reference) throw new Error(`the scheme publishes no exam ${code}`);
  return reference;
}
