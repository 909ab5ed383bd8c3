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

  /** Percentage score x 100 (66.67% -> 6667): integers group, sort and compare far faster than numeric. */
  @PrimaryColumn({ type: 'integer', name: 'percentage_hundredths' })
  percentageHundredths!: number;

  @Column({ type: 'integer', name: 'sittings' })
  sittings!: number;

  @Column({ type: 'integer', name: 'passed' })
  passed!: number;

  @Column({ type: 'integer', name: 'trainer_eligible' })
  trainerEligible!: number;
}
