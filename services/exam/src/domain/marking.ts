import { refuse } from '@iso20000/service-kit';
import { gradeScore, type ExamRules, type Grade } from './exam-rules';

export const ANSWER_OPTIONS = ['A', 'B', 'C', 'D'] as const;
export type AnswerOption = (typeof ANSWER_OPTIONS)[number];

/** Foundation and Auditor: one correct option per question, one mark each. */
export interface MultipleChoiceKey {
  format: 'MULTIPLE_CHOICE';
  answers: AnswerOption[];
}

/** Practitioner: each question is made of sub-items, each with its key and its marks. */
export interface ComplexMultipleChoiceKey {
  format: 'COMPLEX_MULTIPLE_CHOICE';
  questions: Array<{ items: Array<{ key: AnswerOption; marks: number }> }>;
}

export type AnswerKey = MultipleChoiceKey | ComplexMultipleChoiceKey;

/** What the candidate marked; null is a blank. */
export type AnswerSheet =
  | { format: 'MULTIPLE_CHOICE'; answers: Array<AnswerOption | null> }
  | { format: 'COMPLEX_MULTIPLE_CHOICE'; questions: Array<Array<AnswerOption | null>> };

/** One response, kept for item statistics. Complex items are numbered through the paper (1..n). */
export interface ItemResponse {
  itemNumber: number;
  /** Question of the paper the item belongs to (Practitioner), or the item itself (multiple choice). */
  questionNumber: number;
  chosenOption: AnswerOption | null;
  correct: boolean;
  marks: number;
  maxMarks: number;
}

export interface MarkedSheet extends Grade {
  itemResponses: ItemResponse[];
}

export function isAnswerOption(value: string): value is AnswerOption {
  return (ANSWER_OPTIONS as readonly string[]).includes(value);
}

/** Checks that a key fits the exam (used when forms are loaded or edited). */
export function assertKeyFitsExam(exam: ExamRules, key: AnswerKey): void {
  if (key.format !== exam.format) {
    throw refuse.badInput(`${exam.code} is ${exam.format}; the key is ${key.format}`);
  }
  if (key.format === 'MULTIPLE_CHOICE') {
    if (key.answers.length !== exam.questionCount) {
      throw refuse.badInput(
        `a ${exam.code} key needs ${exam.questionCount} answers, got ${key.answers.length}`,
      );
    }
    return;
  }
  if (key.questions.length !== exam.questionCount) {
    throw refuse.badInput(
      `a ${exam.code} key needs ${exam.questionCount} questions, got ${key.questions.length}`,
    );
  }
  key.questions.forEach((q, i) => {
    const marks = q.items.reduce((sum, item) => sum + item.marks, 0);
    if (marks !== exam.marksPerQuestion) {
      throw refuse.badInput(
        `question ${i + 1} carries ${marks} marks; each ${exam.code} question carries ${exam.marksPerQuestion}`,
      );
    }
  });
}

/**
 * Marks an answer sheet against a form's key and grades it by the exam's pass mark and
 * trainer-eligibility threshold. A sheet that does not fit the paper is rejected, not guessed at.
 */
export function markAnswerSheet(exam: ExamRules, key: AnswerKey, sheet: AnswerSheet): MarkedSheet {
  assertKeyFitsExam(exam, key);
  if (key.format === 'MULTIPLE_CHOICE') {
    if (sheet.format !== 'MULTIPLE_CHOICE') {
      throw refuse.badInput(
        `${exam.code} is marked from a sheet of ${exam.questionCount} answers (answers), not from questions`,
      );
    }
    if (sheet.answers.length !== key.answers.length) {
      throw refuse.badInput(
        `the ${exam.code} answer sheet has ${key.answers.length} answers (null for a blank), got ${sheet.answers.length}`,
      );
    }
    const itemResponses = key.answers.map((correctOption, i): ItemResponse => {
      const chosen = sheet.answers[i] ?? null;
      const correct = chosen === correctOption;
      return {
        itemNumber: i + 1,
        questionNumber: i + 1,
        chosenOption: chosen,
        correct,
        marks: correct ? 1 : 0,
        maxMarks: 1,
      };
    });
    return withGrade(exam, itemResponses);
  }
  if (sheet.format !== 'COMPLEX_MULTIPLE_CHOICE') {
    throw refuse.badInput(
      `${exam.code} is marked from ${exam.questionCount} questions of sub-item answers (questions), not from a flat answer list`,
    );
  }
  if (sheet.questions.length !== key.questions.length) {
    throw refuse.badInput(
      `the ${exam.code} answer sheet has ${key.questions.length} questions, got ${sheet.questions.length}`,
    );
  }
  const itemResponses: ItemResponse[] = [];
  key.questions.forEach((question, q) => {
    const answers = sheet.questions[q];
    if (answers.length !== question.items.length) {
      throw refuse.badInput(
        `question ${q + 1} has ${question.items.length} sub-items, got ${answers.length} answers`,
      );
    }
    question.items.forEach((item, i) => {
      const chosen = answers[i] ?? null;
      const correct = chosen === item.key;
      itemResponses.push({
        itemNumber: itemResponses.length + 1,
        questionNumber: q + 1,
        chosenOption: chosen,
        correct,
        marks: correct ? item.marks : 0,
        maxMarks: item.marks,
      });
    });
  });
  return withGrade(exam, itemResponses);
}

function withGrade(exam: ExamRules, itemResponses: ItemResponse[]): MarkedSheet {
  const score = itemResponses.reduce((sum, r) => sum + r.marks, 0);
  return { ...gradeScore(exam, score), itemResponses };
}
