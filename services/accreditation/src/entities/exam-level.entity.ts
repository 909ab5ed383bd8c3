import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { ExamCode } from '@iso20000/scheme';
import { numericToNumber } from './organization-columns';

/** Reference data about an exam that courses and trainers depend on (loaded by a data migration). */
@Entity({ name: 'exam_level' })
export class ExamLevelEntity {
  @PrimaryColumn({ type: 'text', name: 'code', primaryKeyConstraintName: 'pk_exam_level' })
  code!: ExamCode;

  @Column({ type: 'text', name: 'name' })
  name!: string;

  @Column({ type: 'boolean', name: 'self_study_allowed' })
  selfStudyAllowed!: boolean;

  @Column({
    type: 'numeric',
    name: 'trainer_eligibility_percentage',
    precision: 5,
    scale: 2,
    nullable: true,
    transformer: numericToNumber,
  })
  trainerEligibilityPercentage!: number | null;

  @Column({ type: 'integer', name: 'sort_order' })
  sortOrder!: number;
}

/** A language an exam is offered in: the only languages a course for it may be taught in. */
@Entity({ name: 'exam_language' })
export class ExamLanguageEntity {
  @PrimaryColumn({ type: 'text', name: 'exam_code', primaryKeyConstraintName: 'pk_exam_language' })
  examCode!: ExamCode;

  /** BCP 47 tag, as the exam service records it (en, pt-BR, zh-Hans...). */
  @PrimaryColumn({ type: 'text', name: 'language', primaryKeyConstraintName: 'pk_exam_language' })
  language!: string;

  @Column({ type: 'text', name: 'display_name' })
  displayName!: string;

  @ManyToOne(() => ExamLevelEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'exam_code', foreignKeyConstraintName: 'fk_exam_language_exam_level' })
  examLevel?: ExamLevelEntity;
}
