import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Released sittings counted per (all dimensions, month, percentage score in hundredths): grouped statistics
 * including exact medians and histograms are computed from it without touching the facts.
 * `ato_key` is '' for sittings without an ATO (a key column cannot be null).
 */
@Entity({ name: 'statistics_score_rollup' })
export class ScoreRollupEntity {
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
