import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Additive sums per (all dimensions, month): counts, pass rate, mean and standard deviation for
 * any grouping, several times smaller than the score rollup (no score in the key).
 */
@Entity({ name: 'statistics_group_rollup' })
export class GroupRollupEntity {
  @PrimaryColumn({ type: 'text', name: 'exam_code' })
  examCode!: string;

  @PrimaryColumn({ type: 'text', name: 'language' })
  language!: string;

  @PrimaryColumn({ type: 'text', name: 'country' })
  country!: string;

  @PrimaryColumn({ type: 'text', name: 'ato_key' })
  atoKey!: string;

  @PrimaryColumn({ type: 'text', name: 'session_kind' })
  sessionKind!: string;

  @PrimaryColumn({ type: 'text', name: 'form_id' })
  formId!: string;

  @PrimaryColumn({ type: 'date', name: 'month' })
  month!: string;

  @Column({ type: 'integer', name: 'sittings' })
  sittings!: number;

  @Column({ type: 'integer', name: 'passed' })
  passed!: number;

  @Column({ type: 'integer', name: 'trainer_eligible' })
  trainerEligible!: number;

  /** Sum of the record keys of the sittings counted here, modulo 2^31 (domain/perturbation.ts). */
  @Column({ type: 'integer', name: 'key_sum' })
  keySum!: number;

  /** Sums of the percentage score x 100, exact integers (a million sittings stay far below 2^63). */
  @Column({ type: 'bigint', name: 'percentage_hundredths_sum' })
  percentageHundredthsSum!: string;

  @Column({ type: 'bigint', name: 'percentage_hundredths_square_sum' })
  percentageHundredthsSquareSum!: string;
}
