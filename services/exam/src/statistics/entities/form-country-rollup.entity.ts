import { Column, Entity, PrimaryColumn } from 'typeorm';

/** statistics_form_rollup per country too: the form sums of an item analysis filtered by country. */
@Entity({ name: 'statistics_form_country_rollup' })
export class FormCountryRollupEntity {
  @PrimaryColumn({ type: 'text', name: 'form_id' })
  formId!: string;

  @PrimaryColumn({ type: 'text', name: 'language' })
  language!: string;

  /** ISO 3166-1 alpha-2 code of the country where the exam was sat. */
  @PrimaryColumn({ type: 'text', name: 'country' })
  country!: string;

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
