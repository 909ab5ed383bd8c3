import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Total-score sums per exam form, language and month: the test-level half of an item analysis. */
@Entity({ name: 'statistics_form_rollup' })
export class FormRollupEntity {
  @PrimaryColumn({ type: 'text', name: 'form_id' })
  formId!: string;

  @PrimaryColumn({ type: 'text', name: 'language' })
  language!: string;

  @PrimaryColumn({ type: 'date', name: 'month' })
  month!: string;

  @Column({ type: 'text', name: 'exam_code' })
  examCode!: string;

  @Column({ type: 'integer', name: 'sittings' })
  sittings!: number;

  /** Sum of the record keys of the sittings counted here, modulo 2^31 (domain/perturbation.ts). */
  @Column({ type: 'integer', name: 'key_sum' })
  keySum!: number;

  @Column({ type: 'numeric', name: 'score_sum', precision: 14, scale: 2 })
  scoreSum!: string;

  @Column({ type: 'numeric', name: 'score_square_sum', precision: 20, scale: 4 })
  scoreSquareSum!: string;
}
