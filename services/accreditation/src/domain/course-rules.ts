import type { ExamCode } from '@iso20000/scheme';

export type CourseDeliveryMode = 'CLASSROOM' | 'VIRTUAL' | 'SELF_STUDY';

/** What a course offers, as an ATO describes it. */
export interface CourseOffer {
  examCode: ExamCode;
  language: string;
  country: string;
  deliveryMode: CourseDeliveryMode;
  /** YYYY-MM-DD; self-study materials may have no dates. */
  startsOn: string | null;
  endsOn: string | null;
}

/** What course rules need of an exam level (from the scheme's published facts). */
export interface ExamOffering {
  code: ExamCode;
  name: string;
  selfStudyAllowed: boolean;
  /** Language tags the exam is offered in. */
  languages: readonly string[];
}

export interface RuleViolation {
  field: string;
  message: string;
}

/** The rules a course must satisfy before an ATO may publish it; an empty list means it is valid. */
export function courseViolations(offer: CourseOffer, exam: ExamOffering): RuleViolation[] {
  const violations: RuleViolation[] = [];
  if (!exam.languages.includes(offer.language)) {
    violations.push({
      field: 'language',
      message: `the ${exam.name} exam is not offered in "${offer.language}"; choose one of: ${exam.languages.join(', ')}`,
    });
  }
  if (offer.deliveryMode === 'SELF_STUDY' && !exam.selfStudyAllowed) {
    violations.push({
      field: 'deliveryMode',
      message: `the ${exam.name} exam requires an accredited course: self-study is not allowed`,
    });
  }
  if (offer.deliveryMode !== 'SELF_STUDY' && (offer.startsOn === null || offer.endsOn === null)) {
    violations.push({
      field: 'startsOn',
      message: 'a classroom or virtual course needs a start and an end date',
    });
  }
  if (offer.startsOn !== null && offer.endsOn !== null && offer.endsOn < offer.startsOn) {
    violations.push({ field: 'endsOn', message: 'the course cannot end before it starts' });
  }
  return violations;
}
