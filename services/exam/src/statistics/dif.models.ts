import { mantelHaenszel, type DifStratum, type EtsDifClass } from './domain/mantel-haenszel';
import { cellKeyOf, combinedCellKey, perturbCount, roundPublished } from './domain/perturbation';
import type { DifGrouping, DifStratumRow } from './queries/dif-strata.query';
import type { ItemStatisticsModel } from './statistics.models';

export interface DifItemModel {
  itemNumber: number;
  mhAlpha: number | null;
  mhDelta: number | null;
  mhDeltaStandardError: number | null;
  mhChiSquare: number | null;
  significance: number | null;
  etsClass: EtsDifClass | null;
  favours: 'REFERENCE' | 'FOCAL' | null;
}

export interface DifReviewItemModel {
  itemNumber: number;
  mhDelta: number;
  favours: 'REFERENCE' | 'FOCAL';
  reference: ItemStatisticsModel | null;
  focal: ItemStatisticsModel | null;
}

export interface DifComparisonModel {
  focalGroup: string;
  focalFormId: string | null;
  referenceSittings: number | null;
  focalSittings: number | null;
  suppressed: boolean;
  items: DifItemModel[];
  review: DifReviewItemModel[];
}

export interface DifAnalysisModel {
  formId: string;
  by: DifGrouping;
  referenceGroup: string;
  minGroupSize: number;
  comparisons: DifComparisonModel[];
}

/** One group's strata: per total score and question its right and wrong answers; its size as published. */
export interface GroupStrata {
  trueSittings: number;
  publishedSittings: number;
  /** score -> question -> [right, wrong]. */
  strata: Map<number, Map<number, [number, number]>>;
  items: Set<number>;
}

/**
 * MH is computed from the exact strata: perturbing each stratum's small counts (a focal country
 * has a few sittings per total score) distorts the odds ratios badly (measured: 90 class C
 * questions instead of 1 for countries; disclosure-cost-bench.ts). The statistics are no counts,
 * are published to 4 decimals (significance to 4 digits), and itemDif takes no filter, so no two
 * answers differ by a small group of sittings; the group sizes shown are perturbed counts.
 */
export function strataOf(rows: readonly DifStratumRow[]): GroupStrata {
  const scoreCells = new Map<number, { sittings: number; key: number }>();
  const strata = new Map<number, Map<number, [number, number]>>();
  const items = new Set<number>();
  for (const row of rows) {
    if (!scoreCells.has(row.totalScore))
      scoreCells.set(row.totalScore, { sittings: row.sittings, key: cellKeyOf(row.keySum) });
    let byItem = strata.get(row.totalScore);
    if (!byItem) strata.set(row.totalScore, (byItem = new Map()));
    byItem.set(row.itemNumber, [row.correct, row.sittings - row.correct]);
    items.add(row.itemNumber);
  }
  const cells = [...scoreCells.values()];
  const trueSittings = cells.reduce((s, c) => s + c.sittings, 0);
  return {
    trueSittings,
    publishedSittings: perturbCount(trueSittings, combinedCellKey(cells.map((c) => c.key))),
    strata,
    items,
  };
}

const precise = (value: number | null): number | null =>
  value === null ? null : Number(value.toPrecision(4));

export function difItem(reference: GroupStrata, focal: GroupStrata, itemNumber: number): DifItemModel {
  const tables: DifStratum[] = [];
  for (const [score, byItem] of reference.strata) {
    const ref = byItem.get(itemNumber);
    const foc = focal.strata.get(score)?.get(itemNumber);
    if (!ref || !foc) continue;
    tables.push({ referenceRight: ref[0], referenceWrong: ref[1], focalRight: foc[0], focalWrong: foc[1] });
  }
  const mh = mantelHaenszel(tables);
  return {
    itemNumber,
    mhAlpha: roundPublished(mh.alpha),
    mhDelta: roundPublished(mh.delta),
    mhDeltaStandardError: roundPublished(mh.deltaStandardError),
    mhChiSquare: roundPublished(mh.chiSquare),
    significance: precise(mh.significance),
    etsClass: mh.etsClass,
    favours: mh.delta === null || mh.delta === 0 ? null : mh.delta < 0 ? 'REFERENCE' : 'FOCAL',
  };
}

/**
 * MH DIF of the reference group against every other group, question by question, matched on
 * total score. A comparison with a group of fewer than k true sittings is suppressed whole.
 * Class C questions are listed for review with both groups' item statistics (p-value and option
 * shares, from the item analysis, with its disclosure control).
 */
export async function buildDifAnalysis(input: {
  formId: string;
  by: DifGrouping;
  referenceGroup: string;
  /** The group of each stratum row is the reference group's value (for LANGUAGE: a form id). */
  referenceKey: string;
  rows: readonly DifStratumRow[];
  minGroupSize: number;
  /** Focal group key -> what to show for it (LANGUAGE: its language). */
  labelOf: (group: string) => string;
  itemStatistics: (group: string) => Promise<ItemStatisticsModel[]>;
}): Promise<DifAnalysisModel> {
  const byGroup = new Map<string, DifStratumRow[]>();
  for (const row of input.rows) {
    let list = byGroup.get(row.group);
    if (!list) byGroup.set(row.group, (list = []));
    list.push(row);
  }
  const reference = strataOf(byGroup.get(input.referenceKey) ?? []);
  // the reference group's item statistics serve every comparison with a class C question: read once
  const itemStatistics = new Map<string, Promise<ItemStatisticsModel[]>>();
  const itemStatisticsOf = (group: string) => {
    let statistics = itemStatistics.get(group);
    if (!statistics) itemStatistics.set(group, (statistics = input.itemStatistics(group)));
    return statistics;
  };
  const k = input.minGroupSize;
  const comparisons: DifComparisonModel[] = [];
  for (const [group, rows] of [...byGroup].sort(([a], [b]) =>
    input.labelOf(a).localeCompare(input.labelOf(b)),
  )) {
    if (group === input.referenceKey) continue;
    const focal = strataOf(rows);
    const suppressed = reference.trueSittings < k || focal.trueSittings < k;
    const items = suppressed
      ? []
      : [...reference.items]
          .filter((i) => focal.items.has(i))
          .sort((a, b) => a - b)
          .map((i) => difItem(reference, focal, i));
    const flagged = items.filter((i) => i.etsClass === 'C');
    let review: DifReviewItemModel[] = [];
    if (flagged.length) {
      const [referenceItems, focalItems] = await Promise.all([
        itemStatisticsOf(input.referenceKey),
        itemStatisticsOf(group),
      ]);
      review = flagged.map((i) => ({
        itemNumber: i.itemNumber,
        mhDelta: i.mhDelta!,
        favours: i.favours!,
        reference: referenceItems.find((r) => r.itemNumber === i.itemNumber) ?? null,
        focal: focalItems.find((r) => r.itemNumber === i.itemNumber) ?? null,
      }));
    }
    comparisons.push({
      focalGroup: input.labelOf(group),
      focalFormId: input.by === 'LANGUAGE' ? group : null,
      referenceSittings: reference.trueSittings < k ? null : reference.publishedSittings,
      focalSittings: suppressed ? null : focal.publishedSittings,
      suppressed,
      items,
      review,
    });
  }
  return {
    formId: input.formId,
    by: input.by,
    referenceGroup: input.referenceGroup,
    minGroupSize: k,
    comparisons,
  };
}
