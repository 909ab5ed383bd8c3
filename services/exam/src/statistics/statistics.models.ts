import type { EntityManager } from 'typeorm';
import { toCsv } from './domain/csv';
import { itemFlags, type ItemFlag } from './domain/item-flags';
import type { StatisticsDimension, StatisticsFilter } from './domain/statistics-filter';
import { suppressGroups, type DimensionHierarchy, type SuppressionReason } from './domain/suppression';
import {
  BUCKET_COUNT,
  queryGroupDistributions,
  queryGroupSummaries,
  type GroupDistributionRow,
  type GroupSummaryRow,
} from './queries/exam-statistics.query';
import type { FormStatisticsRow, ItemAnalysisRows, ItemStatisticsRow } from './queries/item-analysis.query';

const HIERARCHY: Record<StatisticsDimension, DimensionHierarchy> = {
  EXAM: 'none',
  LANGUAGE: 'none',
  COUNTRY: 'none',
  ATO: 'none',
  SESSION_KIND: 'none',
  FORM: 'none',
  MONTH: 'month',
  QUARTER: 'quarter',
  YEAR: 'none',
};

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
    readonly keyValues: ReadonlyArray<string | null>,
    private readonly summary: GroupSummaryRow,
    readonly suppressionReason: SuppressionReason | null,
  ) {}

  get suppressed(): boolean {
    return this.suppressionReason !== null;
  }

  get key(): ExamStatisticsGroupKeyModel {
    const key: ExamStatisticsGroupKeyModel = {
      exam: null, language: null, country: null, atoId: null, sessionKind: null, formId: null, month: null, quarter: null, year: null,
    };
    this.result.dimensions.forEach((dimension, i) => {
      const value = this.keyValues[i] ?? null;
      switch (dimension) {
        case 'EXAM': key.exam = value; break;
        case 'LANGUAGE': key.language = value; break;
        case 'COUNTRY': key.country = value; break;
        case 'ATO': key.atoId = value; break;
        case 'SESSION_KIND': key.sessionKind = value; break;
        case 'FORM': key.formId = value; break;
        case 'MONTH': key.month = value; break;
        case 'QUARTER': key.quarter = value; break;
        case 'YEAR': key.year = value === null ? null : Number(value); break;
      }
    });
    return key;
  }

  private published<T>(value: T): T | null {
    return this.suppressed ? null : value;
  }

  get sittings(): number | null {
    return this.published(this.summary.sittings);
  }
  get passed(): number | null {
    return this.published(this.summary.passed);
  }
  get passRate(): number | null {
    return this.published(this.summary.passed / this.summary.sittings);
  }
  get meanPercentage(): number | null {
    return this.published(this.summary.meanPercentage);
  }
  get stdDevPercentage(): number | null {
    return this.published(this.summary.stdDevPercentage);
  }
  /** Hidden when the passes it is a share of are themselves fewer than k. */
  private get trainerPublished(): boolean {
    return !this.suppressed && this.summary.passedWithTrainerThreshold >= this.result.minGroupSize;
  }
  get trainerEligible(): number | null {
    return this.trainerPublished ? this.summary.trainerEligible : null;
  }
  get trainerEligibilityRate(): number | null {
    return this.trainerPublished ? this.summary.trainerEligible / this.summary.passedWithTrainerThreshold : null;
  }
  async medianPercentage(): Promise<number | null> {
    if (this.suppressed) return null;
    return (await this.result.distributionOf(this.keyValues))?.medianPercentage ?? null;
  }
  async distribution(): Promise<ScoreBucketModel[] | null> {
    if (this.suppressed) return null;
    const row = await this.result.distributionOf(this.keyValues);
    if (!row) return null;
    const width = 100 / BUCKET_COUNT;
    return row.buckets.map((sittings, b) => ({ fromPercentage: b * width, toPercentage: (b + 1) * width, sittings }));
  }
}

const keyId = (key: ReadonlyArray<string | null>): string => JSON.stringify(key);

/**
 * A grouped statistics request. Sums (counts, rates, mean, sd) and distributions (median,
 * histogram) come from different rollups and are each queried once, only when a selected field
 * needs them; suppression depends on counts only, so both agree on what is hidden.
 */
export class ExamStatisticsResultModel {
  private summaries?: Promise<{ total: ExamStatisticsGroupModel; groups: ExamStatisticsGroupModel[] }>;
  private distributions?: Promise<Map<string, GroupDistributionRow>>;

  constructor(
    private readonly manager: EntityManager,
    readonly filter: StatisticsFilter,
    readonly dimensions: StatisticsDimension[],
    readonly minGroupSize: number,
  ) {}

  get groupBy(): StatisticsDimension[] {
    return this.dimensions;
  }

  computed(): Promise<{ total: ExamStatisticsGroupModel; groups: ExamStatisticsGroupModel[] }> {
    this.summaries ??= (async () => {
      const [totalRows, groupRows] = await Promise.all([
        queryGroupSummaries(this.manager, this.filter, []),
        this.dimensions.length ? queryGroupSummaries(this.manager, this.filter, this.dimensions) : Promise.resolve([]),
      ]);
      const totalRow: GroupSummaryRow = totalRows[0] ?? {
        key: [], sittings: 0, passed: 0, trainerEligible: 0, passedWithTrainerThreshold: 0, meanPercentage: 0, stdDevPercentage: 0,
      };
      const reasons = suppressGroups(groupRows, this.dimensions.map((d) => HIERARCHY[d]), this.minGroupSize, totalRow.sittings);
      return {
        total: new ExamStatisticsGroupModel(this, [], totalRow, totalRow.sittings < this.minGroupSize ? 'SMALL_GROUP' : null),
        groups: groupRows.map((row, i) => new ExamStatisticsGroupModel(this, row.key, row, reasons[i])),
      };
    })();
    return this.summaries;
  }

  async distributionOf(key: ReadonlyArray<string | null>): Promise<GroupDistributionRow | undefined> {
    this.distributions ??= (async () => {
      const [total, groups] = await Promise.all([
        queryGroupDistributions(this.manager, this.filter, []),
        this.dimensions.length ? queryGroupDistributions(this.manager, this.filter, this.dimensions) : Promise.resolve([]),
      ]);
      return new Map([...total, ...groups].map((row) => [keyId(row.key), row]));
    })();
    return (await this.distributions).get(keyId(key));
  }

  async csv(): Promise<string> {
    const { total, groups } = await this.computed();
    const bucketHeaders = Array.from({ length: BUCKET_COUNT }, (_, b) => `pct_${b * 10}_${b === BUCKET_COUNT - 1 ? 100 : (b + 1) * 10}`);
    const header = [
      ...this.dimensions.map((d) => d.toLowerCase()),
      'suppressed', 'suppression_reason', 'sittings', 'passed', 'pass_rate', 'mean_percentage', 'median_percentage', 'std_dev_percentage',
      'trainer_eligible', 'trainer_eligibility_rate', ...bucketHeaders,
    ];
    const rows = [];
    for (const group of [total, ...groups]) {
      const isTotal = group === total;
      const buckets = await group.distribution();
      rows.push([
        ...this.dimensions.map((_, i) => (isTotal ? 'TOTAL' : (group.keyValues[i] ?? ''))),
        group.suppressed, group.suppressionReason, group.sittings, group.passed, group.passRate, group.meanPercentage,
        await group.medianPercentage(), group.stdDevPercentage, group.trainerEligible, group.trainerEligibilityRate,
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

function itemModel(row: ItemStatisticsRow): ItemStatisticsModel {
  return {
    itemNumber: row.itemNumber,
    maxMarks: row.maxMarks,
    responses: row.responses,
    pValue: row.pValue,
    discrimination: row.discrimination,
    options: row.optionCounts.map((count, i) => ({ option: OPTION_NAMES[i], share: row.responses ? count / row.responses : 0 })),
    flags: itemFlags(row.pValue, row.discrimination),
  };
}

function formModel(row: FormStatisticsRow): FormStatisticsModel {
  return {
    sittings: row.sittings,
    itemCount: row.itemCount,
    meanScore: row.meanScore,
    stdDevScore: row.stdDevScore,
    reliability: row.reliability,
    reliabilityMethod: row.dichotomous ? 'KR20' : 'CRONBACH_ALPHA',
    standardErrorOfMeasurement: row.standardErrorOfMeasurement,
  };
}

/** Applies suppression to the item analysis rows: the form as a whole, then languages as groups of it. */
export function buildItemAnalysis(formId: string, rows: ItemAnalysisRows, minGroupSize: number): ItemAnalysisModel {
  const overall = rows.forms.find((f) => f.language === null);
  const totalSittings = overall?.sittings ?? 0;
  const languageForms = rows.forms.filter((f) => f.language !== null).sort((a, b) => String(a.language).localeCompare(String(b.language)));
  const reasons = suppressGroups(
    languageForms.map((f) => ({ key: [f.language], sittings: f.sittings })),
    ['none'],
    minGroupSize,
    totalSittings,
  );
  const suppressed = totalSittings < minGroupSize;
  const itemsOf = (language: string | null) => rows.items.filter((i) => i.language === language).map(itemModel);
  const model: ItemAnalysisModel = {
    formId,
    exam: overall?.examCode ?? null,
    minGroupSize,
    suppressed,
    form: suppressed || !overall ? null : formModel(overall),
    items: suppressed ? [] : itemsOf(null),
    languages: languageForms.map((f, i) => {
      const reason = suppressed ? 'SMALL_GROUP' : reasons[i];
      return {
        language: String(f.language),
        suppressed: reason !== null,
        suppressionReason: reason,
        form: reason === null ? formModel(f) : null,
        items: reason === null ? itemsOf(f.language) : [],
      };
    }),
    csv: '',
  };
  model.csv = itemAnalysisCsv(model);
  return model;
}

function itemAnalysisCsv(model: ItemAnalysisModel): string {
  const header = [
    'language', 'item_number', 'suppressed', 'sittings_or_responses', 'max_marks', 'p_value', 'discrimination',
    ...OPTION_NAMES.map((o) => `share_${o.toLowerCase()}`), 'flags', 'mean_score', 'std_dev_score', 'reliability', 'reliability_method', 'sem',
  ];
  const rows: Array<Array<string | number | boolean | null>> = [];
  const scopes: Array<{ language: string; suppressed: boolean; form: FormStatisticsModel | null; items: ItemStatisticsModel[] }> = [
    { language: 'ALL', suppressed: model.suppressed, form: model.form, items: model.items },
    ...model.languages,
  ];
  for (const scope of scopes) {
    const f = scope.form;
    rows.push([
      scope.language, 'FORM', scope.suppressed, f?.sittings ?? null, null, null, null, ...OPTION_NAMES.map(() => null), null,
      f?.meanScore ?? null, f?.stdDevScore ?? null, f?.reliability ?? null, f?.reliabilityMethod ?? null, f?.standardErrorOfMeasurement ?? null,
    ]);
    for (const item of scope.items) {
      rows.push([
        scope.language, item.itemNumber, false, item.responses, item.maxMarks, item.pValue, item.discrimination,
        ...item.options.map((o) => o.share), item.flags.join(' '), null, null, null, null, null,
      ]);
    }
  }
  return toCsv(header, rows);
}
