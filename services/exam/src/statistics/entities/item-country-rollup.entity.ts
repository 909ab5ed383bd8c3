import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * statistics_item_rollup per country too, so an item analysis filtered by country reads a form's
 * (language, country, month) cells instead of its facts. Kept beside the country-less rollup, which
 * is ~40 times smaller and serves every item analysis without a country filter.
 */
@Entity({ name: 'statistics_item_country_rollup' })
export class ItemCountryRollupEntity {
  @PrimaryColumn({ type: 'text', name: 'form_id' })
  formId!: string;

  @PrimaryColumn({ type: 'text', name: 'language' })
  language!: string;

  /** ISO 3166-1 alpha-2 code of the country where the exam was sat. */
  @PrimaryColumn({ type: 'text', name: 'country' })
  country!: string;

  @PrimaryColumn({ type: 'date', name: 'month' })
  month!: string;

  @PrimaryColumn({ type: 'smallint', name: 'item_number' })
  itemNumber!: number;

  @Column({ type: 'smallint', name: 'max_marks' })
  maxMarks!: number;

  @Column({ type: 'integer', name: 'responses' })
  responses!: number;

  @Column({ type: 'bigint', name: 'marks_sum' })
  marksSum!: string;

  @Column({ type: 'bigint', name: 'marks_square_sum' })
  marksSquareSum!: string;

  /** Sum over sittings of item marks x total score. */
  @Column({ type: 'numeric', name: 'marks_total_sum', precision: 20, scale: 2 })
  marksTotalSum!: string;

  @Column({ type: 'integer', name: 'chose_a' })
  choseA!: number;

  @Column({ type: 'integer', name: 'chose_b' })
  choseB!: number;

  @Column({ type: 'integer', name: 'chose_c' })
  choseC!: number;

  @Column({ type: 'integer', name: 'chose_d' })
  choseD!: number;

  @Column({ type: 'integer', name: 'chose_other' })
  choseOther!: number;

  @Column({ type: 'integer', name: 'omitted' })
  omitted!: number;
}
