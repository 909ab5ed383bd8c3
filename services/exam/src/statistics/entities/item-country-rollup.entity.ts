import { Entity, PrimaryColumn } from 'typeorm';
import { ItemRollupSums } from './item-rollup-sums';

/**
 * statistics_item_rollup per country too, so an item analysis filtered by country reads a form's
 * (language, country, month) cells instead of its facts. Kept beside the country-less rollup, which
 * is ~40 times smaller and serves every item analysis without a country filter.
 */
@Entity({ name: 'statistics_item_country_rollup' })
export class ItemCountryRollupEntity extends ItemRollupSums {
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
}
