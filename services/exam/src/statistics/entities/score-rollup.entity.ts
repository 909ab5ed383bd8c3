import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Released sittings counted per (all dimensions, month, percentage score): grouped statistics
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

  @PrimaryColumn({ type: 'numeric', name: 'percentage', precision: 5, scale: 2 })
  percentage!: string;

  @Column({ type: 'integer', name: 'sittings' })
  sittings!: number;

  @Column({ type: 'integer', name: 'passed' })
  passed!: number;

  @Column({ type: 'integer', name: 'trainer_eligible' })
  trainerEligible!: number;
}
