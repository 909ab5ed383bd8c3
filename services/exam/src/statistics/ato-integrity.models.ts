import type { ExamCode } from '@iso20000/scheme';
import type { EntityManager } from 'typeorm';
import { difItem, strataOf } from './dif.models';
import {
  funnelLimits,
  funnelPosition,
  overdispersedLimits,
  overdispersion,
  type FunnelPosition,
} from './domain/funnel-plot';
import type { EtsDifClass } from './domain/mantel-haenszel';
import { combinedCellKey, perturbedCell, perturbPart } from './domain/perturbation';
import type { StatisticsFilter } from './domain/statistics-filter';
import { queryDifStrata, type DifStratumRow } from './queries/dif-strata.query';
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
  /** Against the limits widened for overdispersion (the same as position when there is none). */
  overdispersedPosition: FunnelPosition | null;
}

export interface AtoPassRateFunnelModel {
  exam: ExamCode;
  minGroupSize: number;
  schemeSittings: number | null;
  schemePassRate: number | null;
  /** Spiegelhalter's phi: 1 when ATOs vary no more than chance. */
  overdispersion: number | null;
  /** Outliers first (by the overdispersed position, furthest out first), then the rest by ATO id. */
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
  const empty = {
    exam,
    minGroupSize,
    schemeSittings: null,
    schemePassRate: null,
    overdispersion: null,
    points: [],
  };
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
        overdispersedPosition: null,
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
      overdispersedPosition: null,
    });
  }
  const shown = points.filter((p) => !p.suppressed && p.sittings! > 0);
  const phi = overdispersion(
    shown.map((p) => ({ rate: p.passRate!, n: p.sittings! })),
    target,
  );
  for (const p of shown)
    p.overdispersedPosition =
      phi > 1 ? funnelPosition(p.passRate!, overdispersedLimits(p.sittings!, target, phi)) : p.position;
  const order = (p: AtoFunnelPointModel) =>
    p.overdispersedPosition === null ? 5 : POSITION_ORDER[p.overdispersedPosition];
  points.sort((a, b) => {
    if (order(a) !== order(b)) return order(a) - order(b);
    if (order(a) < 4 && a.passRate !== null && b.passRate !== null)
      return Math.abs(b.passRate - target) - Math.abs(a.passRate - target);
    return a.atoId < b.atoId ? -1 : a.atoId > b.atoId ? 1 : 0;
  });
  return {
    exam,
    minGroupSize,
    schemeSittings: scheme.sittings,
    schemePassRate: target,
    overdispersion: Math.round(phi * 10000) / 10000,
    points,
  };
}

export interface AtoItemDriftItemModel {
  itemNumber: number;
  atoPValue: number;
  schemePValue: number;
  difference: number;
  mhDelta: number | null;
  etsClass: EtsDifClass | null;
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
 * One ATO's questions on a form against the rest of the scheme, matched on total score
 * (Mantel-Haenszel, the ATO as focal group): a good ATO's candidates get every question right more
 * often, so raw p-values would flag everything; a leaked question is one its candidates get right
 * more often than the rest of the scheme's candidates with the same total score. Flagged: ETS class
 * C in the ATO's favour. The ATO's strata come from its facts (the (form, ATO) index), the
 * scheme's from the DIF strata rollup, less the ATO's. p-values shown are the item analysis's
 * (perturbed); the MH statistics are published to 4 decimals, as in itemDif.
 */
export async function atoItemDrift(
  manager: EntityManager,
  formId: string,
  atoId: string,
  minGroupSize: number,
): Promise<AtoItemDriftModel> {
  const [atoRows, schemeRows, atoStrata, schemeStrata] = await Promise.all([
    queryItemAnalysis(manager, [formId], { atoIds: [atoId] }),
    queryItemAnalysis(manager, [formId], {}),
    manager.query(
      `SELECT round(f.score)::int AS total_score, u.item_number::int AS item_number, count(*)::int AS sittings,
         count(*) FILTER (WHERE u.marks = 1)::int AS correct
       FROM statistics_result_fact f, unnest(f.item_marks, f.item_max_marks) WITH ORDINALITY AS u(marks, max_marks, item_number)
       WHERE f.form_id = $1 AND f.ato_id = $2 AND u.max_marks = 1
       GROUP BY 1, 2`,
      [formId, atoId],
    ) as Promise<Array<{ total_score: number; item_number: number; sittings: number; correct: number }>>,
    queryDifStrata(manager, [formId], 'LANGUAGE'),
  ]);
  const ato = buildItemAnalysis(formId, atoRows, minGroupSize);
  const scheme = buildItemAnalysis(formId, schemeRows, minGroupSize);
  const atoTrue = atoRows.forms.find((f) => f.language === null)?.sittings ?? 0;
  const schemeTrue = schemeRows.forms.find((f) => f.language === null)?.sittings ?? 0;
  if (ato.suppressed || !ato.form || !scheme.form || schemeTrue - atoTrue < minGroupSize) {
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
  const atoKey = (score: number, item: number) => `${score}/${item}`;
  const atoCounts = new Map(atoStrata.map((r) => [atoKey(r.total_score, r.item_number), r]));
  const focal: DifStratumRow[] = atoStrata.map((r) => ({
    group: 'ATO',
    totalScore: r.total_score,
    itemNumber: r.item_number,
    sittings: r.sittings,
    correct: r.correct,
    keySum: 0,
  }));
  const rest: DifStratumRow[] = schemeStrata
    .map((r) => {
      const own = atoCounts.get(atoKey(r.totalScore, r.itemNumber));
      return {
        ...r,
        group: 'REST',
        sittings: r.sittings - (own?.sittings ?? 0),
        correct: r.correct - (own?.correct ?? 0),
      };
    })
    .filter((r) => r.sittings > 0);
  const reference = strataOf(rest);
  const atoSide = strataOf(focal);
  const items = ato.items.map((item) => {
    const schemeP = scheme.items.find((s) => s.itemNumber === item.itemNumber)?.pValue ?? 0;
    const mh = difItem(reference, atoSide, item.itemNumber);
    return {
      itemNumber: item.itemNumber,
      atoPValue: item.pValue,
      schemePValue: schemeP,
      difference: item.pValue - schemeP,
      mhDelta: mh.mhDelta,
      etsClass: mh.etsClass,
      flagged: mh.etsClass === 'C' && mh.favours === 'FOCAL',
    };
  });
  return {
    formId,
    atoId,
    minGroupSize,
    suppressed: false,
    atoSittings: ato.form.sittings,
    schemeSittings: scheme.form.sittings,
    items,
  };
}
