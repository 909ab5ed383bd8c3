import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Per question sums per exam form, language and month. Everything an item analysis needs is
 * additive (n, sum x, sum x^2, sum x*total, option counts), so any period and language grouping
 * is exact without reading the facts.
 */
@Entity({ name: 'statistics_item_rollup' })
export class ItemRollupEntity {
  @PrimaryColumn({ type: 'text', name: 'form_id' })
  formId!: string;

  @PrimaryColumn({ type: 'text', name: 'language' })
  language!: string;

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
