import { Column } from 'typeorm';

/**
 * The additive sums an item analysis needs for one question in one cell (n, sum x, sum x^2,
 * sum x*total, option counts), shared by the rollups that differ only in how cells are keyed.
 */
export abstract class ItemRollupSums {
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
