import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';
import { toCsv } from './domain/csv';
import { itemFlags, type ItemFlag } from './domain/item-flags';
import type { StatisticsDimension, StatisticsFilter } from './domain/statistics-filter';
import {
  cellKeyOf,
  derivedKey,
  perturbCount,
  perturbedCell,
  perturbPart,
  perturbSum,
  roundPublished,
  type PerturbedCell,
} from './domain/perturbation';
import { suppressionReasonOf, suppressSmallGroups, type SuppressionReason } from './domain/suppression';
import {
  ALL_SUM_COLUMNS,
  BUCKET_COUNT,
  queryGroupDistributions,
  queryGroupTable,
  summaryOf,
  totalOf,
  type GroupDistributionRow,
  type GroupKeys,
  type GroupSummary,
  type GroupTable,
  type SumColumns,
} from './queries/exam-statistics.query';
import {
  cachedGroupTable,
  rememberGroupTable,
  rollupVersion,
  type ComputedGroupTable,
} from './queries/group-table-cache';
import type { FormStatisticsRow, ItemAnalysisRows, ItemStatisticsRow } from './queries/item-analysis.query';

export interface ExamStatisticsGroupKeyModel {
  exam: string | null;
  language: string | null;
  country: string | null;
  atoId: string | null;
  sessionKind: string | null;
  formId: string | null;
  month: string | null;
  quarter: string | null;
  year: number | null;
}

export interface ScoreBucketModel {
  fromPercentage: number;
  toPercentage: number;
  sittings: number;
}

/** One group (or the total) after suppression: numbers only when it is published. */
export class ExamStatisticsGroupModel {
  constructor(
    readonly result: ExamStatisticsResultModel,
    /** Position in the result's groups (key order); -1 for the total. */
    readonly index: number,
    readonly keyValues: ReadonlyArray<string | null>,
    private readonly summary: GroupSummary,
    readonly suppressionReason: SuppressionReason | null,
  ) {}

  get suppressed(): boolean {
    return this.suppressionReason !== null;
  }

  get key(): ExamStatisticsGroupKeyModel {
    const key: ExamStatisticsGroupKeyModel = {
      exam: null,
      language: null,
      country: null,
      atoId: null,
      sessionKind: null,
      formId: null,
      month: null,
      quarter: null,
      year: null,
    };
    this.result.dimensions.forEach((dimension, i) => {
      const value = this.keyValues[i] ?? null;
      switch (dimension) {
        case 'EXAM':
          key.exam = value;
          break;
        case 'LANGUAGE':
          key.language = value;
          break;
        case 'COUNTRY':
          key.country = value;
          break;
        case 'ATO':
          key.atoId = value;
          break;
        case 'SESSION_KIND':
          key.sessionKind = value;
          break;
        case 'FORM':
          key.formId = value;
          break;
        case 'MONTH':
          key.month = value;
          break;
        case 'QUARTER':
          key.quarter = value;
          break;
        case 'YEAR':
          key.year = value === null ? null : Number(value);
          break;
      }
    });
    return key;
  }

  private published<T>(value: T): T | null {
    return this.suppressed ? null : value;
  }

  /** A sum this request did not read: a bug in the selection analysis, never a silent wrong number. */
  private read<K extends keyof GroupSummary>(name: K): number {
    const value = this.summary[name];
    if (value === undefined) throw new Error(`exam statistics: ${name} was not read for this request`);
    return value;
  }

  /*
   * Every number below is published through cell-key perturbation (domain/perturbation.ts): counts
   * with the noise of the group's cell key, parts of the group (passes, buckets) and sums with keys
   * derived from it, and every rate or mean from those perturbed numbers only.
   */
  private get cell(): PerturbedCell {
    return (this.perturbed ??= perturbedCell(this.summary.sittings, this.summary.cellKey));
  }
  private perturbed?: PerturbedCell;

  get sittings(): number | null {
    return this.published(this.cell.sittings);
  }
  get passed(): number | null {
    return this.suppressed ? null : perturbPart(this.cell, this.read('passed'), 'passed');
  }
  get passRate(): number | null {
    const passed = this.passed;
    return passed === null || this.cell.sittings === 0 ? null : passed / this.cell.sittings;
  }
  /** Mean of the percentage score (hundredths summed): the sum perturbed by multiples of 10 points. */
  private get perturbedMoments(): { mean: number; variance: number } | null {
    if (this.suppressed || this.cell.sittings === 0) return null;
    const n = this.cell.sittings;
    const key = this.summary.cellKey;
    const sum = perturbSum(
      this.read('percentageSum'),
      derivedKey(key, 'percentageSum'),
      PERCENTAGE_SUM_SCALE,
    );
    const squares = perturbSum(
      this.read('percentageSquareSum'),
      derivedKey(key, 'percentageSquareSum'),
      PERCENTAGE_SQUARE_SUM_SCALE,
    );
    const mean = Math.min(Math.max(sum / n, 0), 10000);
    return { mean, variance: Math.max(squares / n - mean * mean, 0) };
  }
  get meanPercentage(): number | null {
    const moments = this.perturbedMoments;
    return moments === null ? null : moments.mean / 100;
  }
  get stdDevPercentage(): number | null {
    const moments = this.perturbedMoments;
    return moments === null ? null : Math.sqrt(moments.variance) / 100;
  }
  /** Hidden when the passes it is a share of are themselves fewer than k (decided on the true count). */
  private get trainerPublished(): boolean {
    return !this.suppressed && this.read('passedWithTrainerThreshold') >= this.result.minGroupSize;
  }
  private get passedWithTrainerThreshold(): number {
    return perturbCount(
      this.read('passedWithTrainerThreshold'),
      derivedKey(this.summary.cellKey, 'passedWithTrainerThreshold'),
    );
  }
  get trainerEligible(): number | null {
    if (!this.trainerPublished) return null;
    return Math.min(
      perturbCount(this.read('trainerEligible'), derivedKey(this.summary.cellKey, 'trainerEligible')),
      this.passedWithTrainerThreshold,
    );
  }
  get trainerEligibilityRate(): number | null {
    const eligible = this.trainerEligible;
    const passes = this.passedWithTrainerThreshold;
    return eligible === null || passes === 0 ? null : eligible / passes;
  }
  /**
   * The median is one of the group's scores (on the exam's mark grid), computed from the true
   * distribution: it is no count and no sum, and no difference of medians gives one.
   */
  async medianPercentage(): Promise<number | null> {
    if (this.suppressed) return null;
    return (await this.result.distributionOf(this.index))?.medianPercentage ?? null;
  }
  async distribution(): Promise<ScoreBucketModel[] | null> {
    if (this.suppressed) return null;
    const row = await this.result.distributionOf(this.index);
    if (!row) return null;
    const width = 100 / BUCKET_COUNT;
    return row.buckets.map((sittings, b) => ({
      fromPercentage: b * width,
      toPercentage: (b + 1) * width,
      sittings: perturbPart(this.cell, sittings, `bucket${b}`),
    }));
  }
}

/** The groups of a result after suppression: columns plus one byte per group for the reason. */
export interface ComputedGroups {
  table: GroupTable;
  reasons: Uint8Array;
  total: ExamStatisticsGroupModel;
}

/** Noise scale of the sum of percentage scores (in hundredths): 10 percentage points per step. */
const PERCENTAGE_SUM_SCALE = 1000;
/** ... and of the sum of their squares: 100 squared points per step (in hundredths squared). */
const PERCENTAGE_SQUARE_SUM_SCALE = 1_000_000;

const keyId = (key: ReadonlyArray<string | null>): string => JSON.stringify(key);

/**
 * A grouped statistics request. Sums (counts, rates, mean, sd) and distributions (median,
 * histogram) come from different rollups; suppression depends on counts only, so both agree on
 * what is hidden. Sums are read once for every group (suppression needs whole lines), but group
 * objects are made only for the page returned, and distributions are read only for the published
 * groups whose median or histogram is selected (batched per request).
 */
export class ExamStatisticsResultModel {
  private summaries?: Promise<ComputedGroups>;
  private readonly distributions: DataLoader<number, GroupDistributionRow | undefined>;

  constructor(
    private readonly manager: EntityManager,
    readonly filter: StatisticsFilter,
    readonly dimensions: StatisticsDimension[],
    readonly minGroupSize: number,
    /** The sums the selected fields need (all of them for the CSV). */
    private readonly columns: SumColumns = ALL_SUM_COLUMNS,
  ) {
    this.distributions = new DataLoader((indexes) => this.loadDistributions(indexes), { maxBatchSize: 5000 });
  }

  get groupBy(): StatisticsDimension[] {
    return this.dimensions;
  }

  computed(): Promise<ComputedGroups> {
    this.summaries ??= (async () => {
      const key = JSON.stringify([this.filter, this.dimensions, this.minGroupSize, [...this.columns].sort()]);
      const version = await rollupVersion(this.manager);
      const computed = cachedGroupTable(this.manager, key, version) ?? (await this.computeGroups());
      rememberGroupTable(this.manager, key, version, computed);
      const { table, reasons, total } = computed;
      return {
        table,
        reasons,
        total: new ExamStatisticsGroupModel(
          this,
          -1,
          [],
          total,
          total.sittings < this.minGroupSize ? 'SMALL_GROUP' : null,
        ),
      };
    })();
    return this.summaries;
  }

  /** Sums of every group from the rollup, the total, and suppression of the small groups. */
  private async computeGroups(): Promise<ComputedGroupTable> {
    const table = await queryGroupTable(this.manager, this.filter, this.dimensions, this.columns);
    const total = totalOf(table);
    // Without a grouping the one row is the total itself, and there are no groups.
    const groupCount = this.dimensions.length ? table.size : 0;
    const reasons = suppressSmallGroups(table.sittings, groupCount, this.minGroupSize, total.sittings);
    return { table: groupCount ? table : { ...table, size: 0 }, reasons, total };
  }

  /** Number of groups (suppressed ones included). */
  async groupCount(): Promise<number> {
    return (await this.computed()).table.size;
  }

  /** Groups [offset, offset + count) in key order. */
  async page(offset: number, count: number): Promise<ExamStatisticsGroupModel[]> {
    const { table, reasons } = await this.computed();
    const page: ExamStatisticsGroupModel[] = [];
    for (let i = offset; i < Math.min(offset + count, table.size); i++)
      page.push(this.groupAt(table, reasons, i));
    return page;
  }

  private groupAt(table: GroupTable, reasons: Uint8Array, i: number): ExamStatisticsGroupModel {
    const key = table.values.map((values, d) => values[table.valueIds[d][i]]);
    return new ExamStatisticsGroupModel(this, i, key, summaryOf(table, i), suppressionReasonOf(reasons[i]));
  }

  distributionOf(index: number): Promise<GroupDistributionRow | undefined> {
    return this.distributions.load(index);
  }

  /** The total (-1) and the groups asked for in one tick: one query each, the groups' restricted to their keys. */
  private async loadDistributions(
    indexes: readonly number[],
  ): Promise<Array<GroupDistributionRow | undefined>> {
    const { table } = await this.computed();
    const groups = indexes.filter((i) => i >= 0);
    const only: GroupKeys = this.dimensions.map((_, d) =>
      groups.map((i) => table.storedValues[d][table.valueIds[d][i]]),
    );
    const [total, rows] = await Promise.all([
      groups.length < indexes.length
        ? queryGroupDistributions(this.manager, this.filter, [])
        : Promise.resolve([]),
      groups.length
        ? queryGroupDistributions(this.manager, this.filter, this.dimensions, only)
        : Promise.resolve([]),
    ]);
    const byKey = new Map(rows.map((row) => [keyId(row.key), row]));
    return indexes.map((i) =>
      i < 0 ? total[0] : byKey.get(keyId(table.values.map((values, d) => values[table.valueIds[d][i]]))),
    );
  }

  /** Every group's distribution in one query (the CSV export), primed into the per-group loader. */
  private async loadAllDistributions(): Promise<void> {
    const { table } = await this.computed();
    const [total, rows] = await Promise.all([
      queryGroupDistributions(this.manager, this.filter, []),
      this.dimensions.length
        ? queryGroupDistributions(this.manager, this.filter, this.dimensions)
        : Promise.resolve([]),
    ]);
    const byKey = new Map(rows.map((row) => [keyId(row.key), row]));
    this.distributions.prime(-1, total[0]);
    for (let i = 0; i < table.size; i++) {
      this.distributions.prime(
        i,
        byKey.get(keyId(table.values.map((values, d) => values[table.valueIds[d][i]]))),
      );
    }
  }

  async csv(): Promise<string> {
    await this.loadAllDistributions();
    const { table, total } = await this.computed();
    const groups = await this.page(0, table.size);
    const bucketHeaders = Array.from(
      { length: BUCKET_COUNT },
      (_, b) => `pct_${b * 10}_${b === BUCKET_COUNT - 1 ? 100 : (b + 1) * 10}`,
    );
    const header = [
      ...this.dimensions.map((d) => d.toLowerCase()),
      'suppressed',
      'suppression_reason',
      'sittings',
      'passed',
      'pass_rate',
      'mean_percentage',
      'median_percentage',
      'std_dev_percentage',
      'trainer_eligible',
      'trainer_eligibility_rate',
      ...bucketHeaders,
    ];
    const rows = [];
    for (const group of [total, ...groups]) {
      const isTotal = group === total;
      const buckets = await group.distribution();
      rows.push([
        ...this.dimensions.map((_, i) => (isTotal ? 'TOTAL' : (group.keyValues[i] ?? ''))),
        group.suppressed,
        group.suppressionReason,
        group.sittings,
        group.passed,
        group.passRate,
        group.meanPercentage,
        await group.medianPercentage(),
        group.stdDevPercentage,
        group.trainerEligible,
        group.trainerEligibilityRate,
        ...(buckets ? buckets.map((b) => b.sittings) : Array.from({ length: BUCKET_COUNT }, () => null)),
      ]);
    }
    return toCsv(header, rows);
  }
}

export interface ItemOptionShareModel {
  option: string;
  share: number;
}

export interface ItemStatisticsModel {
  itemNumber: number;
  maxMarks: number;
  responses: number;
  pValue: number;
  discrimination: number | null;
  options: ItemOptionShareModel[];
  flags: ItemFlag[];
}

export interface FormStatisticsModel {
  sittings: number;
  itemCount: number;
  meanScore: number;
  stdDevScore: number;
  reliability: number | null;
  reliabilityMethod: 'KR20' | 'CRONBACH_ALPHA';
  standardErrorOfMeasurement: number | null;
}

export interface ItemLanguageStatisticsModel {
  language: string;
  suppressed: boolean;
  suppressionReason: SuppressionReason | null;
  form: FormStatisticsModel | null;
  items: ItemStatisticsModel[];
}

export interface ItemAnalysisModel {
  formId: string;
  exam: string | null;
  minGroupSize: number;
  suppressed: boolean;
  form: FormStatisticsModel | null;
  items: ItemStatisticsModel[];
  languages: ItemLanguageStatisticsModel[];
  csv: string;
}

const OPTION_NAMES = ['A', 'B', 'C', 'D', 'OTHER', 'OMITTED'];

/** The perturbed cell of a form's sittings (all languages or one), from its record keys. */
function formCell(row: FormStatisticsRow): PerturbedCell {
  return perturbedCell(row.sittings, cellKeyOf(Number(row.recordKeySum % BigInt(2 ** 31))));
}

/**
 * One question as published: every response counts the form's sittings, so `responses` is the
 * form's perturbed count; the marks scored and each option's count take noise from keys derived
 * from the form's cell key, and p and the shares are divided by the perturbed count. The
 * discrimination is a correlation of exact moments, published to 4 decimals; the flags are decided
 * on exact values (a flag says on which side of a threshold a value lies, not a count).
 */
function itemModel(row: ItemStatisticsRow, cell: PerturbedCell): ItemStatisticsModel {
  const n = cell.sittings;
  const marks = Math.min(
    perturbCount(Number(row.exact.pValue.numerator), derivedKey(cell.key, `item${row.itemNumber}:marks`)),
    n * row.maxMarks,
  );
  return {
    itemNumber: row.itemNumber,
    maxMarks: row.maxMarks,
    responses: n,
    pValue: n ? marks / (n * row.maxMarks) : 0,
    discrimination: roundPublished(row.discrimination),
    options: row.optionCounts.map((count, i) => ({
      option: OPTION_NAMES[i],
      share: n ? perturbPart(cell, count, `item${row.itemNumber}:${OPTION_NAMES[i]}`) / n : 0,
    })),
    flags: itemFlags(row.exact.pValue, row.exact.discrimination),
  };
}

/** Noise scales of the total-score sums (marks): 1 mark per step, and 10 squared marks. */
const SCORE_SUM_SCALE = 1;
const SCORE_SQUARE_SUM_SCALE = 10;

function formModel(row: FormStatisticsRow, cell: PerturbedCell): FormStatisticsModel {
  const n = cell.sittings;
  const sum = perturbSum(row.scoreSum, derivedKey(cell.key, 'scoreSum'), SCORE_SUM_SCALE);
  const squares = perturbSum(
    row.scoreSquareSum,
    derivedKey(cell.key, 'scoreSquareSum'),
    SCORE_SQUARE_SUM_SCALE,
  );
  const mean = n ? Math.max(sum / n, 0) : 0;
  return {
    sittings: n,
    itemCount: row.itemCount,
    meanScore: mean,
    stdDevScore: n ? Math.sqrt(Math.max(squares / n - mean * mean, 0)) : 0,
    reliability: roundPublished(row.reliability),
    reliabilityMethod: row.dichotomous ? 'KR20' : 'CRONBACH_ALPHA',
    standardErrorOfMeasurement: roundPublished(row.standardErrorOfMeasurement),
  };
}

/** Applies suppression to the item analysis rows: the form as a whole, then languages as groups of it. */
export function buildItemAnalysis(
  formId: string,
  rows: ItemAnalysisRows,
  minGroupSize: number,
): ItemAnalysisModel {
  const overall = rows.forms.find((f) => f.language === null);
  const totalSittings = overall?.sittings ?? 0;
  const languageForms = rows.forms
    .filter((f) => f.language !== null)
    .sort((a, b) => String(a.language).localeCompare(String(b.language)));
  const reasons = suppressSmallGroups(
    languageForms.map((f) => f.sittings),
    languageForms.length,
    minGroupSize,
    totalSittings,
  );
  const suppressed = totalSittings < minGroupSize;
  const itemsOf = (language: string | null, cell: PerturbedCell) =>
    rows.items.filter((i) => i.language === language).map((item) => itemModel(item, cell));
  const overallCell = overall ? formCell(overall) : null;
  const model: ItemAnalysisModel = {
    formId,
    exam: overall?.examCode ?? null,
    minGroupSize,
    suppressed,
    form: suppressed || !overall ? null : formModel(overall, overallCell!),
    items: suppressed || !overallCell ? [] : itemsOf(null, overallCell),
    languages: languageForms.map((f, i) => {
      const reason = suppressed ? 'SMALL_GROUP' : suppressionReasonOf(reasons[i]);
      const cell = formCell(f);
      return {
        language: String(f.language),
        suppressed: reason !== null,
        suppressionReason: reason,
        form: reason === null ? formModel(f, cell) : null,
        items: reason === null ? itemsOf(f.language, cell) : [],
      };
    }),
    csv: '',
  };
  model.csv = itemAnalysisCsv(model);
  return model;
}

function itemAnalysisCsv(model: ItemAnalysisModel): string {
  const header = [
    'language',
    'item_number',
    'suppressed',
    'sittings_or_responses',
    'max_marks',
    'p_value',
    'discrimination',
    ...OPTION_NAMES.map((o) => `share_${o.toLowerCase()}`),
    'flags',
    'mean_score',
    'std_dev_score',
    'reliability',
    'reliability_method',
    'sem',
  ];
  const rows: Array<Array<string | number | boolean | null>> = [];
  const scopes: Array<{
    language: string;
    suppressed: boolean;
    form: FormStatisticsModel | null;
    items: ItemStatisticsModel[];
  }> = [
    { language: 'ALL', suppressed: model.suppressed, form: model.form, items: model.items },
    ...model.languages,
  ];
  for (const scope of scopes) {
    const f = scope.form;
    rows.push([
      scope.language,
      'FORM',
      scope.suppressed,
      f?.sittings ?? null,
      null,
      null,
      null,
      ...OPTION_NAMES.map(() => null),
      null,
      f?.meanScore ?? null,
      f?.stdDevScore ?? null,
      f?.reliability ?? null,
      f?.reliabilityMethod ?? null,
      f?.standardErrorOfMeasurement ?? null,
    ]);
    for (const item of scope.items) {
      rows.push([
        scope.language,
        item.itemNumber,
        false,
        item.responses,
        item.maxMarks,
        item.pValue,
        item.discrimination,
        ...item.options.map((o) => o.share),
        item.flags.join(' '),
        null,
        null,
        null,
        null,
        null,
      ]);
    }
  }
  return toCsv(header, rows);
}
