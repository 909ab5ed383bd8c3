import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The score rollup without country, ATO, session kind and form: small enough (exam x language x
 * month x score) that whole-history distributions read a few thousand rows.
 */
@Entity({ name: 'statistics_monthly_score_rollup' })
export class MonthlyScoreRollupEntity {
  @PrimaryColumn({ type: 'text', name: 'exam_code' })
  examCode!: string;

  @PrimaryColumn({ type: 'text', name: 'language' })
  language!: string;

  @PrimaryColumn({ type: 'date', name: 'month' })
  month!: string;

  @PrimaryColumn({ type: 'numeric', name: 'percentage', precision: 5, scale: 2 })
  percentage!: string;

  @Column({ type: 'integer', name: 'sittings' })
  sittings!: number;

  @Column({ type: 'integer', name: 'passed' })
  passed!: number;

  @Column({ type: 'integer', name: 'trainer_eligible' })
  trainerEligible!: number;
}
