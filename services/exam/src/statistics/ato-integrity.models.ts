import type { ExamCode } from '@iso20000/scheme';
import type { EntityManager } from 'typeorm';
import {
  DRIFT_FLAG_Z,
  driftZ,
  funnelLimits,
  funnelPosition,
  type FunnelPosition,
} from './domain/funnel-plot';
import { combinedCellKey, perturbedCell, perturbPart } from './domain/perturbation';
import type { StatisticsFilter } from './domain/statistics-filter';
import { queryGroupTable } from './queries/exam-statistics.query';
import { queryItemAnalysis } from './queries/item-analysis.query';
import { buildItemAnalysis } from './statistics.models';

export interface AtoFunnelPointModel {
  atoId: string;
  suppressed: boolean;
  sittings: number | null;
  passed: number | null;
  passRate: number | null;
  lower998: number | null;
  lower95: number | null;
  upper95: number | null;
  upper998: number | null;
  position: FunnelPosition | null;
}

export interface AtoPassRateFunnelModel {
  exam: ExamCode;
  minGroupSize: number;
  schemeSittings: number | null;
  schemePassRate: number | null;
  /** Outliers first (furthest out first), then the rest by ATO id. */
  points: AtoFunnelPointModel[];
}

const POSITION_ORDER: Record<FunnelPosition, number> = {
  ABOVE_99_8: 0,
  BELOW_99_8: 1,
  ABOVE_95: 2,
  BELOW_95: 3,
  WITHIN: 4,
};

/**
 * ATOs' pass rates against the scheme's for one exam (ATO courses only), with funnel limits at
 * each ATO's size. Sums come from the group rollup grouped by ATO (one aggregation, as for
 * examStatistics); every count is perturbed at its cell key and the rates and limits use the
 * perturbed counts; ATOs below k sittings are listed as suppressed, without numbers.
 */
export async function atoPassRateFunnel(
  manager: EntityManager,
  exam: ExamCode,
  filter: StatisticsFilter,
  minGroupSize: number,
): Promise<AtoPassRateFunnelModel> {
  const table = await queryGroupTable(
    manager,
    { ...filter, exams: [exam], sessionKinds: ['ATO_COURSE'] },
    ['ATO'],
    new Set(['passed']),
  );
  const trueTotal = table.sittings.reduce((s, x) => s + x, 0);
  const empty = { exam, minGroupSize, schemeSittings: null, schemePassRate: null, points: [] };
  if (trueTotal < minGroupSize) return empty;
  const scheme = perturbedCell(trueTotal, combinedCellKey(table.cellKeys));
  const schemePassed = perturbPart(
    scheme,
    table.passed!.reduce((s, x) => s + x, 0),
    'passed',
  );
  const target = scheme.sittings ? schemePassed / scheme.sittings : 0;
  const points: AtoFunnelPointModel[] = [];
  for (let i = 0; i < table.size; i++) {
    const atoId = table.values[0][table.valueIds[0][i]];
    if (atoId === null) continue;
    if (table.sittings[i] < minGroupSize) {
      points.push({
        atoId,
        suppressed: true,
        sittings: null,
        passed: null,
        passRate: null,
        lower998: null,
        lower95: null,
        upper95: null,
        upper998: null,
        position: null,
      });
      continue;
    }
    const cell = perturbedCell(table.sittings[i], table.cellKeys[i]);
    const passed = perturbPart(cell, table.passed![i], 'passed');
    const rate = cell.sittings ? passed / cell.sittings : 0;
    const limits = funnelLimits(cell.sittings, target);
    points.push({
      atoId,
      suppressed: false,
      sittings: cell.sittings,
      passed,
      passRate: rate,
      ...limits,
      position: funnelPosition(rate, limits),
    });
  }
  points.sort((a, b) => {
    const pa = a.position === null ? 5 : POSITION_ORDER[a.position];
    const pb = b.position === null ? 5 : POSITION_ORDER[b.position];
    if (pa !== pb) return pa - pb;
    if (a.position !== null && a.position !== 'WITHIN' && a.passRate !== null && b.passRate !== null)
      return Math.abs(b.passRate - target) - Math.abs(a.passRate - target);
    return a.atoId < b.atoId ? -1 : a.atoId > b.atoId ? 1 : 0;
  });
  return { exam, minGroupSize, schemeSittings: scheme.sittings, schemePassRate: target, points };
}

export interface AtoItemDriftItemModel {
  itemNumber: number;
  atoPValue: number;
  schemePValue: number;
  difference: number;
  z: number | null;
  flagged: boolean;
}

export interface AtoItemDriftModel {
  formId: string;
  atoId: string;
  minGroupSize: number;
  suppressed: boolean;
  atoSittings: number | null;
  schemeSittings: number | null;
  items: AtoItemDriftItemModel[];
}

/**
 * One ATO's item p-values on a form against the scheme's (same period filter): a question its
 * candidates answer far more often right than the scheme's (one-sided z >= 3.09) is flagged, the
 * sign of a leaked question. Both sides are the item analysis's published (perturbed) p-values.
 */
export async function atoItemDrift(
  manager: EntityManager,
  formId: string,
  atoId: string,
  filter: StatisticsFilter,
  minGroupSize: number,
): Promise<AtoItemDriftModel> {
  const [atoRows, schemeRows] = await Promise.all([
    queryItemAnalysis(manager, [formId], { ...filter, atoIds: [atoId] }),
    queryItemAnalysis(manager, [formId], filter),
  ]);
  const ato = buildItemAnalysis(formId, atoRows, minGroupSize);
  const scheme = buildItemAnalysis(formId, schemeRows, minGroupSize);
  if (ato.suppressed || scheme.suppressed || !ato.form || !scheme.form) {
    return {
      formId,
      atoId,
      minGroupSize,
      suppressed: true,
      atoSittings: null,
      schemeSittings: null,
      items: [],
    };
  }
  const n = ato.form.sittings;
  const items = ato.items.map((item) => {
    const schemeP = scheme.items.find((s) => s.itemNumber === item.itemNumber)?.pValue ?? 0;
    const z = driftZ(item.pValue, schemeP, n);
    return {
      itemNumber: item.itemNumber,
      atoPValue: item.pValue,
      schemePValue: schemeP,
      difference: item.pValue - schemeP,
      z: z === null ? null : Math.round(z * 10000) / 10000,
      flagged: z !== null && z >= DRIFT_FLAG_Z,
    };
  });
  return {
    formId,
    atoId,
    minGroupSize,
    suppressed: false,
    atoSittings: n,
    schemeSittings: scheme.form.sittings,
    items,
  };
}
