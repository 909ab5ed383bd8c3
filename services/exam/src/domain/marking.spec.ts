import { SCHEME_EXAMS } from '@iso20000/scheme';
import { seedAnswerKey } from '../reference-data/scheme-reference-data';
import { DomainRefusal } from '@iso20000/service-kit';
import { gradeScore, trainerEligibilityScore } from './exam-rules';
import {
  markAnswerSheet,
  type AnswerOption,
  type ComplexMultipleChoiceKey,
  type MultipleChoiceKey,
} from './marking';

const exam = (code: string) => {
  const found = SCHEME_EXAMS.find((e) => e.code === code);
  if (!found) throw new Error(code);
  return found;
};
const foundation = exam('FOUNDATION');
const practitioner = exam('PRACTITIONER');
const auditor = exam('AUDITOR');

const wrong = (o: AnswerOption): AnswerOption => (o === 'A' ? 'B' : 'A');

/** A sheet with exactly `right` correct answers, the rest wrong or blank. */
function mcSheet(key: MultipleChoiceKey, right: number, blanks = 0): Array<AnswerOption | null> {
  return key.answers.map((a, i) => (i < right ? a : i < right + blanks ? null : wrong(a)));
}

describe('multiple-choice marking (Foundation, Auditor)', () => {
  const key = seedAnswerKey(foundation, 'TEST-MC') as MultipleChoiceKey;

  it('gives one mark per correct answer and none for wrong or blank ones', () => {
    const marked = markAnswerSheet(foundation, key, {
      format: 'MULTIPLE_CHOICE',
      answers: mcSheet(key, 30, 4),
    });
    expect(marked.score).toBe(30);
    expect(marked.maxScore).toBe(40);
    expect(marked.percentage).toBe(75);
    expect(marked.itemResponses).toHaveLength(40);
    expect(marked.itemResponses[0]).toEqual({
      itemNumber: 1,
      questionNumber: 1,
      chosenOption: key.answers[0],
      correct: true,
      marks: 1,
      maxMarks: 1,
    });
    expect(marked.itemResponses[31]).toMatchObject({
      itemNumber: 32,
      chosenOption: null,
      correct: false,
      marks: 0,
    });
    expect(marked.itemResponses[39]).toMatchObject({ chosenOption: wrong(key.answers[39]), correct: false });
  });

  it.each([
    [foundation, 25, false],
    [foundation, 26, true],
    [auditor, 25, false],
    [auditor, 26, true],
  ])('%# pass mark boundary: %s scores %i -> passed %s', (e, score, passed) => {
    const k = seedAnswerKey(e, `B-${score}`) as MultipleChoiceKey;
    const marked = markAnswerSheet(e, k, { format: 'MULTIPLE_CHOICE', answers: mcSheet(k, score) });
    expect(marked.score).toBe(score);
    expect(marked.passed).toBe(passed);
  });

  it('makes an Auditor trainer eligible from 30/40 (75%), not at 29', () => {
    expect(trainerEligibilityScore(auditor)).toBe(30);
    expect(gradeScore(auditor, 29)).toMatchObject({ passed: true, trainerEligible: false, percentage: 72.5 });
    expect(gradeScore(auditor, 30)).toMatchObject({ passed: true, trainerEligible: true, percentage: 75 });
  });

  it('never makes a Foundation candidate trainer eligible', () => {
    expect(gradeScore(foundation, 40)).toMatchObject({ passed: true, trainerEligible: false });
  });

  it('rejects a sheet of the wrong length or shape', () => {
    expect(() =>
      markAnswerSheet(foundation, key, { format: 'MULTIPLE_CHOICE', answers: mcSheet(key, 10).slice(0, 39) }),
    ).toThrow(DomainRefusal);
    expect(() =>
      markAnswerSheet(foundation, key, { format: 'COMPLEX_MULTIPLE_CHOICE', questions: [] }),
    ).toThrow(/sheet of 40 answers/);
  });
});

describe('complex multiple-choice marking (Practitioner)', () => {
  const key = seedAnswerKey(practitioner, 'TEST-CMC') as ComplexMultipleChoiceKey;

  /** Answers the first `right` marks' worth of sub-items correctly, in key order, so any score is reachable. */
  function sheetScoring(target: number): Array<Array<AnswerOption | null>> {
    let remaining = target;
    return key.questions.map((q) =>
      q.items.map((item) => {
        if (item.marks <= remaining) {
          remaining -= item.marks;
          return item.key;
        }
        return wrong(item.key);
      }),
    );
  }

  it('marks four questions of 20 marks from their sub-items', () => {
    expect(key.questions).toHaveLength(4);
    key.questions.forEach((q) => expect(q.items.reduce((s, i) => s + i.marks, 0)).toBe(20));
    const perfect = markAnswerSheet(practitioner, key, {
      format: 'COMPLEX_MULTIPLE_CHOICE',
      questions: key.questions.map((q) => q.items.map((i) => i.key)),
    });
    expect(perfect).toMatchObject({
      score: 80,
      maxScore: 80,
      percentage: 100,
      passed: true,
      trainerEligible: true,
    });
    expect(perfect.itemResponses).toHaveLength(32);
    expect(perfect.itemResponses[8]).toMatchObject({
      itemNumber: 9,
      questionNumber: 2,
      marks: 1,
      maxMarks: 1,
    });
  });

  it('gives a sub-item its marks only when its answer matches the key', () => {
    const answers = key.questions.map((q) => q.items.map((i) => i.key) as Array<AnswerOption | null>);
    answers[0][7] = wrong(key.questions[0].items[7].key); // 4 marks lost
    answers[3][4] = null; // 3 marks lost
    const marked = markAnswerSheet(practitioner, key, {
      format: 'COMPLEX_MULTIPLE_CHOICE',
      questions: answers,
    });
    expect(marked.score).toBe(73);
    expect(marked.itemResponses.filter((r) => !r.correct).map((r) => r.itemNumber)).toEqual([8, 29]);
  });

  it.each([
    [39, false, false],
    [40, true, false],
    [52, true, false],
    [53, true, true],
  ])('scores %i/80 -> passed %s, trainer eligible %s', (score, passed, eligible) => {
    const marked = markAnswerSheet(practitioner, key, {
      format: 'COMPLEX_MULTIPLE_CHOICE',
      questions: sheetScoring(score),
    });
    expect(marked.score).toBe(score);
    expect(marked.passed).toBe(passed);
    expect(marked.trainerEligible).toBe(eligible);
  });

  it('states the thresholds as the scheme does: pass 40/80 (50%), trainer 53/80 (66%)', () => {
    expect(gradeScore(practitioner, 40).percentage).toBe(50);
    expect(trainerEligibilityScore(practitioner)).toBe(53);
    expect(gradeScore(practitioner, 53).percentage).toBe(66.25);
  });

  it('rejects a question with the wrong number of sub-item answers', () => {
    const answers = sheetScoring(50);
    answers[2] = answers[2].slice(0, 7);
    expect(() =>
      markAnswerSheet(practitioner, key, { format: 'COMPLEX_MULTIPLE_CHOICE', questions: answers }),
    ).toThrow(/question 3 has 8 sub-items/);
  });
});
