import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One released sitting, denormalized for statistics (statistics' own copy, not exam's tables).
 * Item responses are compact arrays indexed by item number - 1, so an item analysis reads one row
 * per sitting instead of 40.
 */
@Entity({ name: 'statistics_result_fact' })
@Index('ix_statistics_result_fact_form_month', ['formId', 'satMonth'])
@Index('ix_statistics_result_fact_exam_month', ['examCode', 'satMonth'])
// item analysis filtered by ATO reads only that ATO's sittings of the form
@Index('ix_statistics_result_fact_form_ato', ['formId', 'atoId'])
export class ResultFactEntity {
  @PrimaryColumn({ type: 'text', name: 'sitting_id' })
  sittingId!: string;

  @Column({ type: 'text', name: 'exam_code' })
  examCode!: string;

  @Column({ type: 'text', name: 'language' })
  language!: string;

  @Column({ type: 'text', name: 'country' })
  country!: string;

  @Column({ type: 'text', name: 'ato_id', nullable: true })
  atoId!: string | null;

  @Column({ type: 'text', name: 'session_kind' })
  sessionKind!: string;

  @Column({ type: 'text', name: 'form_id' })
  formId!: string;

  @Column({ type: 'date', name: 'sat_on' })
  satOn!: string;

  /** First day of the month of sat_on: the finest period analysts can filter on. */
  @Column({ type: 'date', name: 'sat_month' })
  satMonth!: string;

  @Column({ type: 'numeric', name: 'score', precision: 7, scale: 2 })
  score!: string;

  @Column({ type: 'numeric', name: 'max_score', precision: 7, scale: 2 })
  maxScore!: string;

  @Column({ type: 'numeric', name: 'percentage', precision: 5, scale: 2 })
  percentage!: string;

  @Column({ type: 'boolean', name: 'passed' })
  passed!: boolean;

  @Column({ type: 'boolean', name: 'trainer_eligible' })
  trainerEligible!: boolean;

  /**
   * Uniform random in [0, 2^31), drawn when the result is recorded and never shown: the record key of
   * cell-key perturbation (domain/perturbation.ts). A cell's key is the sum of its records' keys.
   */
  @Column({ type: 'integer', name: 'record_key' })
  recordKey!: number;

  /** Marks per item (index = item number - 1). */
  @Column({ type: 'smallint', name: 'item_marks', array: true })
  itemMarks!: number[];

  @Column({ type: 'smallint', name: 'item_max_marks', array: true })
  itemMaxMarks!: number[];

  /** Chosen option per item: 1..4 = A..D, 5 = any other answer, 0 = omitted. */
  @Column({ type: 'smallint', name: 'item_options', array: true })
  itemOptions!: number[];

  @Column({ type: 'timestamptz', name: 'recorded_at', default: () => 'now()' })
  recordedAt!: Date;
}
