import type { EntityManager } from 'typeorm';
import { withStatisticsSettings } from './exam-statistics.query';

export type DifGrouping = 'LANGUAGE' | 'COUNTRY' | 'SESSION_KIND';

/** One stratum row: the sittings of a group with one total score, and how many got a question right. */
export interface DifStratumRow {
  /** The group: the form id (LANGUAGE), the country or the session kind. */
  group: string;
  totalScore: number;
  itemNumber: number;
  sittings: number;
  correct: number;
  keySum: number;
}

/**
 * The DIF strata of some forms from statistics_item_score_rollup: its primary key leads with
 * (form, grouping), so this reads exactly the rows of these forms (41 scores x 40 questions per
 * group), whatever the number of sittings behind them.
 */
export async function queryDifStrata(
  manager: EntityManager,
  formIds: readonly string[],
  grouping: DifGrouping,
): Promise<DifStratumRow[]> {
  const rows: Array<{
    grp: string;
    total_score: number;
    item_number: number;
    sittings: number;
    correct: number;
    key_sum: number;
  }> = await withStatisticsSettings(manager, (tx) =>
    tx.query(
      `SELECT ${grouping === 'LANGUAGE' ? 'form_id' : 'group_value'} AS grp, total_score, item_number, sittings, correct, key_sum
       FROM statistics_item_score_rollup
       WHERE form_id = ANY($1::text[]) AND grouping = $2
       ORDER BY 1, 2, 3`,
      [formIds, grouping],
    ),
  );
  return rows.map((r) => ({
    group: r.grp,
    totalScore: r.total_score,
    itemNumber: r.item_number,
    sittings: r.sittings,
    correct: r.correct,
    keySum: r.key_sum,
  }));
}
