import { EXAM_CODES, SCHEME_EXAMS, type ExamCode } from '@iso20000/scheme';
import { z } from 'zod';

export const SESSION_KINDS = ['ATO_COURSE', 'PUBLIC', 'SELF_STUDY'] as const;
export type StatisticsSessionKind = (typeof SESSION_KINDS)[number];

/** Exams whose passes can reach a trainer threshold: the denominator of the trainer-eligibility rate. */
export const EXAMS_WITH_TRAINER_THRESHOLD: readonly ExamCode[] = SCHEME_EXAMS.filter(
  (exam) => exam.trainerEligibilityPercentage !== null,
).map((exam) => exam.code);

export interface ItemResponseFact {
  itemNumber: number;
  chosenOption: string | null;
  correct: boolean;
  marks: number;
  maxMarks: number;
}

/** What the exam service hands over when a result is released (inside its release transaction). */
export interface ReleasedResultFact {
  sittingId: string;
  examCode: ExamCode;
  language: string;
  country: string;
  atoId: string | null;
  sessionKind: StatisticsSessionKind;
  formId: string;
  /** YYYY-MM-DD */
  satOn: string;
  score: number;
  maxScore: number;
  percentage: number;
  passed: boolean;
  trainerEligible: boolean;
  itemResponses: ItemResponseFact[];
}

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'satOn must be YYYY-MM-DD');

const itemResponseSchema = z.object({
  itemNumber: z.number().int().min(1).max(500),
  chosenOption: z.string().min(1).max(20).nullable(),
  correct: z.boolean(),
  marks: z.number().int().min(0).max(1000),
  maxMarks: z.number().int().min(1).max(1000),
});

export const releasedResultFactSchema = z
  .object({
    sittingId: z.string().min(1),
    examCode: z.enum(EXAM_CODES),
    language: z.string().min(1).max(20),
    country: z.string().regex(/^[A-Z]{2}$/, 'country must be an ISO 3166-1 alpha-2 code'),
    atoId: z.string().min(1).nullable(),
    sessionKind: z.enum(SESSION_KINDS),
    formId: z.string().min(1),
    satOn: isoDate,
    score: z.number().min(0),
    maxScore: z.number().positive(),
    percentage: z.number().min(0).max(100),
    passed: z.boolean(),
    trainerEligible: z.boolean(),
    itemResponses: z.array(itemResponseSchema),
  })
  .superRefine((fact, ctx) => {
    const numbers = fact.itemResponses.map((r) => r.itemNumber).sort((a, b) => a - b);
    // Items are stored positionally (index = item number - 1): they must be exactly 1..n.
    if (numbers.some((n, i) => n !== i + 1)) {
      ctx.addIssue({
        code: 'custom',
        path: ['itemResponses'],
        message: 'item numbers must be 1..n without gaps or repeats',
      });
    }
    if (fact.itemResponses.some((r) => r.marks > r.maxMarks)) {
      ctx.addIssue({ code: 'custom', path: ['itemResponses'], message: 'marks must not exceed maxMarks' });
    }
    if (fact.score > fact.maxScore)
      ctx.addIssue({ code: 'custom', path: ['score'], message: 'score must not exceed maxScore' });
    if ((fact.sessionKind === 'ATO_COURSE') !== (fact.atoId !== null)) {
      ctx.addIssue({
        code: 'custom',
        path: ['atoId'],
        message: 'atoId is required for ATO_COURSE sittings and null otherwise',
      });
    }
  });

/** Option letter -> compact code stored in item_options: 1..4 = A..D, 5 = any other answer, 0 = omitted. */
export function optionCode(chosenOption: string | null): number {
  if (chosenOption === null) return 0;
  const index = ['A', 'B', 'C', 'D'].indexOf(chosenOption.toUpperCase());
  return index >= 0 ? index + 1 : 5;
}

export function firstDayOfMonth(isoDay: string): string {
  return `${isoDay.slice(0, 7)}-01`;
}
