import { EXAM_CODES, examLanguageTags, SCHEME_EXAMS, schemeExam, trainerThresholdOf } from '../src';

describe('the scheme vocabulary', () => {
  it('publishes one exam per code, in code order', () => {
    expect(SCHEME_EXAMS.map((exam) => exam.code)).toEqual([...EXAM_CODES]);
  });

  it.each(SCHEME_EXAMS.map((exam) => [exam.code, exam] as const))('%s: marks add up', (_code, exam) => {
    expect(exam.maxMarks).toBe(exam.questionCount * exam.marksPerQuestion);
    expect(exam.passMark).toBeGreaterThan(0);
    expect(exam.passMark).toBeLessThanOrEqual(exam.maxMarks);
    expect(new Set(examLanguageTags(exam.code)).size).toBe(exam.languages.length);
  });

  it('has the published numbers of the scheme page', () => {
    expect(schemeExam('FOUNDATION')).toMatchObject({ questionCount: 40, passMark: 26, durationMinutes: 60 });
    expect(schemeExam('PRACTITIONER')).toMatchObject({ maxMarks: 80, passMark: 40, durationMinutes: 180 });
    expect(trainerThresholdOf('PRACTITIONER')).toBe(66);
    expect(trainerThresholdOf('AUDITOR')).toBe(75);
    expect(trainerThresholdOf('FOUNDATION')).toBeNull();
  });
});
