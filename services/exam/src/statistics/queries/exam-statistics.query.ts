import type { EntityManager } from 'typeorm';
import type { StatisticsDimension, StatisticsFilter } from '../domain/statistics-filter';
import { EXAMS_WITH_TRAINER_THRESHOLD } from '../released-result/released-result-fact';
import { SqlParameters, whereClause, type FilterColumns } from './sql-filter';

export const BUCKET_COUNT = 10;

/** Additive numbers of one group (or of the total, with an empty key). */
export interface GroupSummaryRow {
  key: Array<string | null>;
  sittings: number;
  passed: number;
  trainerEligible: number;
  /** Passes of exams that have a trainer threshold: the trainer-eligibility rate's denominator. */
  passedWithTrainerThreshold: number;
  meanPercentage: number;
  stdDevPercentage: number;
}

export interface GroupDistributionRow {
  key: Array<string | null>;
  sittings: number;
  medianPercentage: number;
  /** Sittings per 10-point bucket, [0,10) ... [90,100]. */
  buckets: number[];
}

/**
 * How a dimension is grouped (cheap: integers, dates, C-collated text) and how its value is shown.
 * Grouping by the formatted value would format every rollup row; formatting the groups is enough.
 */
const DIMENSION_SQL: Record<StatisticsDimension, { group: string; show: (column: string) => string }> = {
  EXAM: { group: 'exam_code COLLATE "C"', show: (c) => c },
  LANGUAGE: { group: 'language COLLATE "C"', show: (c) => c },
  COUNTRY: { group: 'country COLLATE "C"', show: (c) => c },
  ATO: { group: 'ato_key COLLATE "C"', show: (c) => `nullif(${c}, '')` },
  SESSION_KIND: { group: 'session_kind COLLATE "C"', show: (c) => c },
  FORM: { group: 'form_id COLLATE "C"', show: (c) => c },
  MONTH: { group: 'month', show: (c) => `to_char(${c}, 'YYYY-MM')` },
  QUARTER: { group: `date_trunc('quarter', month)::date`, show: (c) => `to_char(${c}, 'YYYY-"Q"Q')` },
  YEAR: { group: `date_trunc('year', month)::date`, show: (c) => `to_char(${c}, 'YYYY')` },
};

const FULL_COLUMNS: FilterColumns = {
  exam: 'exam_code',
  language: 'language',
  country: 'country',
  ato: 'ato_key',
  sessionKind: 'session_kind',
  form: 'form_id',
  month: 'month',
};
const MONTHLY_COLUMNS: FilterColumns = { exam: 'exam_code', language: 'language', month: 'month' };
const MONTHLY_DIMENSIONS: ReadonlySet<StatisticsDimension> = new Set(['EXAM', 'LANGUAGE', 'MONTH', 'QUARTER', 'YEAR']);

function usesOnlyMonthlyDimensions(filter: StatisticsFilter, dimensions: readonly StatisticsDimension[]): boolean {
  return (
    !filter.countries && !filter.atoIds && !filter.sessionKinds && !filter.formIds && dimensions.every((d) => MONTHLY_DIMENSIONS.has(d))
  );
}

function keyColumns(dimensions: readonly StatisticsDimension[]) {
  const names = dimensions.map((_, i) => `g${i}`);
  return {
    names,
    group: dimensions.map((d, i) => `${DIMENSION_SQL[d].group} AS g${i}`).join(', '),
  };
}


/**
 * Aggregations are large single statements: enough memory to hash and sort without spilling, and
 * no JIT (compiling costs more than it saves at these sizes). Settings are local to the transaction.
 */
export async function withStatisticsSettings<T>(manager: EntityManager, run: (manager: EntityManager) => Promise<T>): Promise<T> {
  return manager.transaction('READ COMMITTED', async (tx) => {
    await tx.query(`SET LOCAL work_mem = '64MB'`);
    await tx.query('SET LOCAL jit = off');
    return run(tx);
  });
}

/**
 * Counts, pass rate, mean and standard deviation per group from the group rollup: sums only, so
 * this path serves "pass rate by ATO by month" without reading any score distribution. Sums are
 * integers (hundredths of a percent), exact in float8 far beyond a million sittings.
 */
export async function queryGroupSummaries(
  manager: EntityManager,
  filter: StatisticsFilter,
  dimensions: readonly StatisticsDimension[],
): Promise<GroupSummaryRow[]> {
  const params = new SqlParameters();
  const conditions = whereClause(filter, FULL_COLUMNS, params);
  const trainerExams = params.bind(EXAMS_WITH_TRAINER_THRESHOLD);
  const { names, group } = keyColumns(dimensions);
  // One JSON row instead of one row per group: parsing tens of thousands of rows field by field in
  // Node costs more than the aggregation itself; JSON.parse of one text is several times cheaper.
  const keyJson = dimensions.map((d, i) => DIMENSION_SQL[d].show(`g${i}`)).join(', ');
  const sql = `
    WITH sums AS (
      SELECT ${group ? `${group},` : ''}
        sum(sittings)::float8 AS n, sum(passed)::int AS passed, sum(trainer_eligible)::int AS trainer_eligible,
        coalesce(sum(passed) FILTER (WHERE exam_code = ANY(${trainerExams}::text[])), 0)::int AS passed_with_threshold,
        sum(percentage_hundredths_sum::float8) AS s, sum(percentage_hundredths_square_sum::float8) AS ss
      FROM statistics_group_rollup
      ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
      GROUP BY ${names.length ? names.join(', ') : '()'}
    )
    SELECT coalesce(json_agg(json_build_array(json_build_array(${keyJson}), n::int, passed, trainer_eligible, passed_with_threshold,
      s / n / 100, sqrt(greatest(ss / n - (s / n) ^ 2, 0)) / 100)${names.length ? ` ORDER BY ${names.join(', ')}` : ''}), '[]')::text AS groups
    FROM sums WHERE n > 0`;
  const [{ groups }]: Array<{ groups: string }> = await withStatisticsSettings(manager, (tx) => tx.query(sql, params.values));
  const rows = JSON.parse(groups) as Array<[Array<string | null>, number, number, number, number, number, number]>;
  return rows.map(([key, sittings, passed, trainerEligible, passedWithTrainerThreshold, meanPercentage, stdDevPercentage]) => ({
    key: key.map((v) => (v === null ? null : String(v))),
    sittings,
    passed,
    trainerEligible,
    passedWithTrainerThreshold,
    meanPercentage,
    stdDevPercentage,
  }));
}

/**
 * Exact median (as percentile_cont(0.5)) and histogram per group from a score rollup: the
 * percentages of a group with their counts, a running count per group, and the one or two
 * percentages at the middle positions (0-based (n-1)/2 rounded down and up). The small monthly
 * rollup is used when neither filter nor grouping needs country, ATO, session kind or form.
 */
export async function queryGroupDistributions(
  manager: EntityManager,
  filter: StatisticsFilter,
  dimensions: readonly StatisticsDimension[],
): Promise<GroupDistributionRow[]> {
  const monthly = usesOnlyMonthlyDimensions(filter, dimensions);
  const params = new SqlParameters();
  const conditions = whereClause(filter, monthly ? MONTHLY_COLUMNS : FULL_COLUMNS, params);
  const { names, group } = keyColumns(dimensions);
  const partition = names.length ? `PARTITION BY ${names.join(', ')}` : '';
  const keyJson = dimensions.map((d, i) => DIMENSION_SQL[d].show(`g${i}`)).join(', ');
  // 10-point buckets on hundredths of a percent: [0,1000), ... [9000,10000]; 100% joins the last.
  const buckets = Array.from({ length: BUCKET_COUNT }, (_, b) => `coalesce(sum(n) FILTER (WHERE bucket = ${b}), 0)`).join(', ');
  const sql = `
    WITH scores AS (
      SELECT ${group ? `${group},` : ''} percentage_hundredths AS p, least(percentage_hundredths / 1000, ${BUCKET_COUNT - 1}) AS bucket,
        sum(sittings)::int AS n
      FROM ${monthly ? 'statistics_monthly_score_rollup' : 'statistics_score_rollup'}
      ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
      GROUP BY ${[...names, 'p'].join(', ')}
    ), running AS (
      SELECT scores.*, sum(n) OVER (${partition} ORDER BY p) AS upto, sum(n) OVER (${partition}) AS total
      FROM scores WHERE n > 0
    ), per_group AS (
      SELECT ${names.length ? `${names.join(', ')},` : ''} sum(n) AS sittings,
        (min(p) FILTER (WHERE upto - n <= (total - 1) / 2 AND (total - 1) / 2 < upto)
          + min(p) FILTER (WHERE upto - n <= total / 2 AND total / 2 < upto)) / 200.0 AS median,
        json_build_array(${buckets}) AS buckets
      FROM running
      GROUP BY ${names.length ? names.join(', ') : '()'}
      HAVING sum(n) > 0
    )
    SELECT coalesce(json_agg(json_build_array(json_build_array(${keyJson}), sittings, median, buckets)), '[]')::text AS groups
    FROM per_group`;
  // One JSON row, as for the summaries: far cheaper to parse than a row per group.
  const [{ groups }]: Array<{ groups: string }> = await withStatisticsSettings(manager, (tx) => tx.query(sql, params.values));
  const rows = JSON.parse(groups) as Array<[Array<string | null>, number, number, number[]]>;
  return rows.map(([key, sittings, medianPercentage, counts]) => ({
    key: key.map((v) => (v === null ? null : String(v))),
    sittings,
    medianPercentage,
    buckets: counts,
  }));
}
