import { randomUUID } from 'node:crypto';
import { stableUuid } from '@iso20000/seed-kit';
import type { ReleasedResultFact } from '../../src/statistics';

/** The id the API issued for a named fixture (an ATO, a form): a uuid, stable across runs. */
export const id = (name: string): string => stableUuid(`exam-statistics-test ${name}`);

type Exam = ReleasedResultFact['examCode'];
const RULES: Record<Exam, { max: number; pass: number; trainer: number | null }> = {
  FOUNDATION: { max: 40, pass: 26, trainer: null },
  PRACTITIONER: { max: 80, pass: 40, trainer: 53 },
  AUDITOR: { max: 40, pass: 26, trainer: 30 },
};

/** A released result as the exam service would hand it over; pass and trainer flags follow the exam's rules. */
export function fact(
  exam: Exam,
  score: number,
  overrides: Partial<ReleasedResultFact> = {},
): ReleasedResultFact {
  const rules = RULES[exam];
  const kind = overrides.sessionKind ?? (overrides.atoId === null ? 'PUBLIC' : 'ATO_COURSE');
  return {
    sittingId: randomUUID(),
    examCode: exam,
    language: 'en',
    country: 'GB',
    atoId: kind === 'ATO_COURSE' ? id('ato-1') : null,
    sessionKind: kind,
    formId: id(`${exam}-en-A`),
    satOn: '2025-01-15',
    score,
    maxScore: rules.max,
    percentage: Math.round((score / rules.max) * 10000) / 100,
    passed: score >= rules.pass,
    trainerEligible: rules.trainer !== null && score >= rules.trainer,
    itemResponses: [],
    ...overrides,
  };
}

/** Dichotomous responses (1 = correct, key A; wrong answers chose B, or nothing when `omit`). */
export function withItems(
  base: ReleasedResultFact,
  marks: number[],
  maxMarks?: number[],
  omit = false,
): ReleasedResultFact {
  const max = maxMarks ?? marks.map(() => 1);
  const score = marks.reduce((s, m) => s + m, 0);
  const maxScore = max.reduce((s, m) => s + m, 0);
  return {
    ...base,
    score,
    maxScore,
    percentage: Math.round((score / maxScore) * 10000) / 100,
    itemResponses: marks.map((m, i) => ({
      itemNumber: i + 1,
      chosenOption: m === max[i] ? 'A' : omit ? null : 'B',
      correct: m === max[i],
      marks: m,
      maxMarks: max[i],
    })),
  };
}

/** Deterministic pseudo-random numbers so the hand-made data is the same every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

// Independent reference computations (plain JavaScript, straight from the textbook definitions).
export const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
export const variance = (xs: number[]): number => {
  const m = mean(xs);
  return mean(xs.map((x) => (x - m) ** 2));
};
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = (s.length - 1) / 2;
  return (s[Math.floor(mid)] + s[Math.ceil(mid)]) / 2;
};
export const pearson = (xs: number[], ys: number[]): number => {
  const mx = mean(xs);
  const my = mean(ys);
  const cov = mean(xs.map((x, i) => (x - mx) * (ys[i] - my)));
  return cov / Math.sqrt(variance(xs) * variance(ys));
};
