/** A rule of the exam office was broken; `code` is what the API reports (GraphQL extensions.code). */
export type ViolationCode = 'BAD_USER_INPUT' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT';

export class ExamRuleViolation extends Error {
  constructor(
    readonly code: ViolationCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExamRuleViolation';
  }
}
