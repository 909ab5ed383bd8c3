/**
 * The scheme's vocabulary, written once: the exams and their published facts (domain.md, "Exams";
 * the scheme's public page), and the statuses of the organizations it accredits. Services import
 * these instead of retyping them; their stored reference data (migrations) is checked against them.
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

/** An exam as the scheme publishes it. */
export interface SchemeExam {
  code: ExamCode;
  name: string;
  format: ExamFormat;
  questionCount: number;
  marksPerQuestion: number;
  maxMarks: number;
  passMark: number;
  durationMinutes: number;
  book: 'CLOSED' | 'OPEN';
  bookNote: string | null;
  prerequisite: ExamPrerequisite;
  requiredAuditExperienceYears: number | null;
  recommended: string | null;
  selfStudyAllowed: boolean;
  marking: ExamMarking;
  release: ExamRelease;
  /** Percentage of the maximum a score must reach for trainer eligibility; null: no trainer route. */
  trainerEligibilityPercentage: number | null;
  /** The languages the exam is offered in: the only languages a course for it may be taught in. */
  languages: readonly ExamLanguage[];
}

export const SCHEME_EXAMS: readonly SchemeExam[] = [
  {
    code: 'FOUNDATION',
    name: 'ISO/IEC 20000 Foundation',
    format: 'MULTIPLE_CHOICE',
    questionCount: 40,
    marksPerQuestion: 1,
    maxMarks: 40,
    passMark: 26,
    durationMinutes: 60,
    book: 'CLOSED',
    bookNote: null,
    prerequisite: 'NONE',
    requiredAuditExperienceYears: null,
    recommended: null,
    selfStudyAllowed: true,
    marking: 'ON_LOCATION_OR_CENTRAL',
    release: 'ON_MARKING',
    trainerEligibilityPercentage: null,
    languages: [
      { tag: 'en', name: 'English' },
      { tag: 'zh', name: 'Chinese' },
      { tag: 'ja', name: 'Japanese' },
      { tag: 'pt', name: 'Portuguese' },
      { tag: 'es', name: 'Spanish' },
    ],
  },
  {
    code: 'PRACTITIONER',
    name: 'ISO/IEC 20000 Practitioner',
    format: 'COMPLEX_MULTIPLE_CHOICE',
    questionCount: 4,
    marksPerQuestion: 20,
    maxMarks: 80,
    passMark: 40,
    durationMinutes: 180,
    book: 'OPEN',
    bookNote: 'A copy of ISO/IEC 20000 Part 1 is permitted.',
    prerequisite: 'FOUNDATION_CERTIFICATE',
    requiredAuditExperienceYears: null,
    recommended: 'ITIL Foundation (v3 or later); not mandatory.',
    selfStudyAllowed: true,
    marking: 'CENTRAL',
    release: 'CENTRAL',
    trainerEligibilityPercentage: 66,
    languages: [
      { tag: 'en', name: 'English' },
      { tag: 'de', name: 'German' },
      { tag: 'ja', name: 'Japanese' },
      { tag: 'pt-BR', name: 'Brazilian Portuguese' },
      { tag: 'zh-Hant', name: 'Chinese (complex)' },
    ],
  },
  {
    code: 'AUDITOR',
    name: 'ISO/IEC 20000 Auditor',
    format: 'MULTIPLE_CHOICE',
    questionCount: 40,
    marksPerQuestion: 1,
    maxMarks: 40,
    passMark: 26,
    durationMinutes: 60,
    book: 'CLOSED',
    bookNote: null,
    prerequisite: 'AUDIT_EXPERIENCE',
    requiredAuditExperienceYears: 3,
    recommended: 'ISO/IEC 20000 Foundation; not mandatory.',
    selfStudyAllowed: false,
    marking: 'CENTRAL',
    release: 'CENTRAL',
    trainerEligibilityPercentage: 75,
    languages: [
      { tag: 'en', name: 'English' },
      { tag: 'de', name: 'German' },
      { tag: 'ja', name: 'Japanese' },
      { tag: 'pt', name: 'Portuguese' },
      { tag: 'zh-Hans', name: 'Chinese (simple)' },
      { tag: 'zh-Hant', name: 'Chinese (complex)' },
      { tag: 'es', name: 'Spanish' },
    ],
  },
];

export function isExamCode(value: string): value is ExamCode {
  return (EXAM_CODES as readonly string[]).includes(value);
}

/** The published facts of one exam. */
export function schemeExam(code: ExamCode): SchemeExam {
  const exam = SCHEME_EXAMS.find((e) => e.code === code);
  if (!exam) throw new Error(`no scheme exam ${code}`);
  return exam;
}

/** The language tags an exam is offered in, in the scheme's order. */
export function examLanguageTags(code: ExamCode): string[] {
  return schemeExam(code).languages.map((language) => language.tag);
}

/** The score percentage that makes a passing candidate trainer eligible for an exam, or null. */
export function trainerThresholdOf(code: ExamCode): number | null {
  return schemeExam(code).trainerEligibilityPercentage;
}

/** An Accredited Training Organization's lifecycle. */
export const ATO_STATUSES = [
  'APPLIED',
  'UNDER_ASSESSMENT',
  'ACCREDITED',
  'REJECTED',
  'SUSPENDED',
  'WITHDRAWN',
] as const;
export type AtoStatus = (typeof ATO_STATUSES)[number];

/** A Registered Certification Body's lifecycle. */
export const RCB_STATUSES = [
  'APPLIED',
  'UNDER_ASSESSMENT',
  'APPOINTED',
  'REJECTED',
  'SUSPENDED',
  'WITHDRAWN',
] as const;
export type RcbStatus = (typeof RCB_STATUSES)[number];

/** The status in which an ATO may train and enter candidates, and an RCB may certify. */
export const ATO_ACTIVE_STATUS: AtoStatus = 'ACCREDITED';
export const RCB_ACTIVE_STATUS: RcbStatus = 'APPOINTED';
