/**
 * Small-group suppression for published statistics, together with cell-key perturbation
 * (perturbation.ts); the statistics README states what the two guarantee together.
 *
 * A group with fewer than k true sittings shows no number at all (counts, rates, mean, median,
 * sd, histogram): SMALL_GROUP. When the total itself has fewer than k sittings, every group is
 * suppressed with it. The trainer-eligibility count and rate of a published group are hidden when
 * the passes they are a share of are fewer than k. Item analysis applies the same rule with the
 * form as the total and its languages as groups. Sizes count sittings: the fact carries no
 * candidate, so a candidate who resat counts twice.
 *
 * No complementary suppression: it only ever protected a hidden group against subtraction within
 * one table, and differencing across freely chosen filters defeated it (the same ATO over Jan-Jun
 * and over Jan-May). Against subtraction every published count now carries noise keyed by its own
 * sittings, so the difference of two answers is the hidden count plus unknown noise, whatever
 * the tables; hiding more groups would only cost accuracy.
 */

export type SuppressionReason = 'SMALL_GROUP' | 'COMPLEMENTARY';

/** Reason codes of suppressSmallGroups (one byte per group). */
export const PUBLISHED = 0;
export const SMALL_GROUP = 1;

export function suppressionReasonOf(code: number): SuppressionReason | null {
  return code === SMALL_GROUP ? 'SMALL_GROUP' : null;
}

/** The rule on a column of true group sizes: one byte per group, PUBLISHED or SMALL_GROUP. */
export function suppressSmallGroups(
  sittings: ArrayLike<number>,
  size: number,
  minGroupSize: number,
  totalSittings: number,
): Uint8Array {
  const reasons = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    if (sittings[i] < minGroupSize || totalSittings < minGroupSize) reasons[i] = SMALL_GROUP;
  }
  return reasons;
}
