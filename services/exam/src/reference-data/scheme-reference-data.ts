import { SCHEME_EXAMS, type ExamCode, type SchemeExam } from '@iso20000/scheme';
import { ANSWER_OPTIONS, type AnswerKey, type AnswerOption } from '../domain/marking';

/**
 * What every fresh exam database is seeded with besides the exams themselves: form A of each exam
 * in each of its languages (with a deterministic answer key) and the regional price table.
 */
type PaperShape = Pick<SchemeExam, 'code' | 'format' | 'questionCount' | 'languages'>;

/** Practitioner sub-items per question and their marks: 8 items summing to the question's 20 marks. */
export const PRACTITIONER_ITEM_MARKS: readonly number[] = [1, 1, 2, 2, 3, 3, 4, 4];

export interface SeedForm {
  id: string;
  examCode: ExamCode;
  language: string;
  code: string;
  answerKey: AnswerKey;
}

/** A small deterministic generator, so every fresh database gets the same keys. */
function keyStream(seed: string): () => AnswerOption {
  let state = 2166136261;
  for (const ch of seed) state = Math.imul(state ^ ch.charCodeAt(0), 16777619) >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return ANSWER_OPTIONS[state >>> 30];
  };
}

export function seedAnswerKey(
  exam: Pick<SchemeExam, 'format' | 'questionCount'>,
  formCode: string,
): AnswerKey {
  const next = keyStream(formCode);
  if (exam.format === 'MULTIPLE_CHOICE') {
    return { format: 'MULTIPLE_CHOICE', answers: Array.from({ length: exam.questionCount }, () => next()) };
  }
  return {
    format: 'COMPLEX_MULTIPLE_CHOICE',
    questions: Array.from({ length: exam.questionCount }, () => ({
      items: PRACTITIONER_ITEM_MARKS.map((marks) => ({ key: next(), marks })),
    })),
  };
}

const FORM_PREFIX: Record<ExamCode, string> = {
  FOUNDATION: 'FND',
  PRACTITIONER: 'PRA',
  AUDITOR: 'AUD',
};

/** Form A of every exam in every language; ids are stable so tests and seeds can name them. */
export function seedForms(exams: readonly PaperShape[] = SCHEME_EXAMS): SeedForm[] {
  const forms: SeedForm[] = [];
  exams.forEach((exam, e) => {
    exam.languages.forEach((language, l) => {
      const code = `${FORM_PREFIX[exam.code]}-${language.tag.toUpperCase()}-A`;
      const id = `00000000-0000-4000-8000-0000000${String(e + 1).padStart(2, '0')}${String(l + 1).padStart(3, '0')}`;
      forms.push({
        id,
        examCode: exam.code,
        language: language.tag,
        code,
        answerKey: seedAnswerKey(exam, code),
      });
    });
  });
  return forms;
}

export interface SeedPrice {
  region: string;
  regionName: string;
  currency: string;
  /** Minor units per exam (JPY has none). */
  amounts: Record<ExamCode, number>;
}

export const SEED_PRICES: readonly SeedPrice[] = [
  {
    region: 'UK',
    regionName: 'United Kingdom',
    currency: 'GBP',
    amounts: { FOUNDATION: 25000, PRACTITIONER: 35000, AUDITOR: 35000 },
  },
  {
    region: 'EUROPE',
    regionName: 'Europe',
    currency: 'EUR',
    amounts: { FOUNDATION: 29500, PRACTITIONER: 41000, AUDITOR: 41000 },
  },
  {
    region: 'NORTH_AMERICA',
    regionName: 'North America',
    currency: 'USD',
    amounts: { FOUNDATION: 31500, PRACTITIONER: 44000, AUDITOR: 44000 },
  },
  {
    region: 'JAPAN',
    regionName: 'Japan',
    currency: 'JPY',
    amounts: { FOUNDATION: 45000, PRACTITIONER: 63000, AUDITOR: 63000 },
  },
  {
    region: 'CHINA',
    regionName: 'China',
    currency: 'CNY',
    amounts: { FOUNDATION: 220000, PRACTITIONER: 310000, AUDITOR: 310000 },
  },
  {
    region: 'BRAZIL',
    regionName: 'Brazil',
    currency: 'BRL',
    amounts: { FOUNDATION: 150000, PRACTITIONER: 210000, AUDITOR: 210000 },
  },
  {
    region: 'REST_OF_WORLD',
    regionName: 'Rest of the world',
    currency: 'USD',
    amounts: { FOUNDATION: 29500, PRACTITIONER: 41000, AUDITOR: 41000 },
  },
];
