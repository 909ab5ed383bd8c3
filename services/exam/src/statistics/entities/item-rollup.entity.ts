import { Entity, PrimaryColumn } from 'typeorm';
import { ItemRollupSums } from './item-rollup-sums';

/**
 * Per question sums per exam form, language and month. Everything an item analysis needs is
 * additive (n, sum x, sum x^2, sum x*total, option counts), so any period and language grouping
 * is exact without reading the facts.
 */
@Entity({ name: 'statistics_item_rollup' })
export class ItemRollupEntity extends ItemRollupSums {
  @PrimaryColumn({ type: 'text', name: 'form_id' })
  formId!: string;

  @PrimaryColumn({ type: 'text', name: 'language' })
  language!: string;

  @PrimaryColumn({ type: 'date', name: 'month' })
  month!: string;

  @PrimaryColumn({ type: 'smallint', name: 'item_number' })
  itemNumber!: number;
}
