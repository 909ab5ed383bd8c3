import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ExamCode } from '../domain/exam-rules';
import type { AnswerKey } from '../domain/marking';

/** A paper version of an exam in one language, with its answer key (scheme staff only). */
@Entity({ name: 'exam_forms' })
@Index('idx_exam_forms_exam_language', ['examCode', 'language', 'code'])
export class ExamFormEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id' })
  id!: string;

  @Column({ type: 'text', name: 'exam_code' })
  examCode!: ExamCode;

  @Column({ type: 'text', name: 'language' })
  language!: string;

  @Index('uq_exam_forms_code', { unique: true })
  @Column({ type: 'text', name: 'code' })
  code!: string;

  @Column({ type: 'jsonb', name: 'answer_key' })
  answerKey!: AnswerKey;

  /** Retired forms stay for the sittings marked against them. */
  @Column({ type: 'boolean', name: 'active', default: true })
  active!: boolean;
}
