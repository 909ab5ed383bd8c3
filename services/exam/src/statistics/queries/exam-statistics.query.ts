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

const DIMENSION_SQL: Record<StatisticsDimension, string> = {
  EXAM: 'exam_code',
  LANGUAGE: 'language',
  COUNTRY: 'country',
  ATO: `nullif(ato_key, '')`,
  SESSION_KIND: 'session_kind',
  FORM: 'form_id',
  MONTH: `to_char(month, 'YYYY-MM')`,
  QUARTER: `to_char(month, 'YYYY-"Q"Q')`,
  YEAR: `to_char(month, 'YYYY')`,
};

const FULL_COLUMNS: FilterColumns = {
  exam: 'exam_code',
  language: 'language',
  country: 'country',
  ato: 'ato_key',
  atoIsKey: true,
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

function keyColumns(dimensions: readonly StatisticsDimension[]): { select: string; names: string[] } {
  const names = dimensions.map((_, i) => `d${i}`);
  return { select: dimensions.map((d, i) => `${DIMENSION_SQL[d]} AS d${i}`).join(', '), names };
}

function readKey(row: Record<string, unknown>, count: number): Array<string | null> {
  return Array.from({ length: count }, (_, i) => (row[`d${i}`] === null ? null : String(row[`d${i}`])));
}

/**
 * Counts, pass rate, mean and standard deviation per group from the group rollup: sums only, so
 * this path serves "pass rate by ATO by month" without reading any score distribution.
 */
export async function queryGroupSummaries(
  manager: EntityManager,
  filter: StatisticsFilter,
  dimensions: readonly StatisticsDimension[],
): Promise<GroupSummaryRow[]> {
  const params = new SqlParameters();
  const conditions = whereClause(filter, FULL_COLUMNS, params);
  const trainerExams = params.bind(EXAMS_WITH_TRAINER_THRESHOLD);
  const { select, names } = keyColumns(dimensions);
  const sql = `
    SELECT ${select ? `${select},` : ''}
      sum(sittings)::int AS sittings, sum(passed)::int AS passed, sum(trainer_eligible)::int AS trainer_eligible,
      coalesce(sum(passed) FILTER (WHERE exam_code = ANY(${trainerExams}::text[])), 0)::int AS passed_with_threshold,
      (sum(percentage_sum) / sum(sittings))::float8 AS mean,
      sqrt(greatest(sum(percentage_square_sum) / sum(sittings) - (sum(percentage_sum) / sum(sittings))^2, 0))::float8 AS sd
    FROM statistics_group_rollup
    ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
    GROUP BY ${names.length ? names.join(', ') : '()'}
    HAVING sum(sittings) > 0
    ${names.length ? `ORDER BY ${names.join(', ')}` : ''}`;
  const rows: Array<Record<string, unknown>> = await manager.query(sql, params.values);
  return rows.map((row) => ({
    key: readKey(row, dimensions.length),
    sittings: Number(row.sittings),
    passed: Number(row.passed),
    trainerEligible: Number(row.trainer_eligible),
    passedWithTrainerThreshold: Number(row.passed_with_threshold),
    meanPercentage: Number(row.mean),
    stdDevPercentage: Number(row.sd),
  }));
}

/**
 * Exact median (as percentile_cont(0.5)) and histogram per group from a score rollup: the
 * percentages of a group with their counts, a running count per group, and the one or two
 * percentages at the middle positions. The small monthly rollup is used when neither filter nor
 * grouping needs country, ATO, session kind or form.
 */
export async function queryGroupDistributions(
  manager: EntityManager,
  filter: StatisticsFilter,
  dimensions: readonly StatisticsDimension[],
): Promise<GroupDistributionRow[]> {
  const monthly = usesOnlyMonthlyDimensions(filter, dimensions);
  const params = new SqlParameters();
  const conditions = whereClause(filter, monthly ? MONTHLY_COLUMNS : FULL_COLUMNS, params);
  const { select, names } = keyColumns(dimensions);
  const partition = names.length ? `PARTITION BY ${names.join(', ')}` : '';
  const buckets = Array.from(
    { length: BUCKET_COUNT },
    (_, b) => `coalesce(sum(n) FILTER (WHERE least(width_bucket(percentage, 0, 100, ${BUCKET_COUNT}), ${BUCKET_COUNT}) = ${b + 1}), 0)::int`,
  ).join(', ');
  const sql = `
    WITH scores AS (
      SELECT ${select ? `${select},` : ''} percentage, sum(sittings) AS n
      FROM ${monthly ? 'statistics_monthly_score_rollup' : 'statistics_score_rollup'}
      ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
      GROUP BY ${[...names, 'percentage'].join(', ')}
      HAVING sum(sittings) > 0
    ), running AS (
      SELECT scores.*, sum(n) OVER (${partition} ORDER BY percentage) AS upto, sum(n) OVER (${partition}) AS total
      FROM scores
    )
    SELECT ${names.length ? `${names.join(', ')},` : ''} sum(n)::int AS sittings,
      ((min(percentage) FILTER (WHERE upto - n <= floor((total - 1) / 2.0) AND floor((total - 1) / 2.0) < upto)
        + min(percentage) FILTER (WHERE upto - n <= ceil((total - 1) / 2.0) AND ceil((total - 1) / 2.0) < upto)) / 2)::float8 AS median,
      ARRAY[${buckets}] AS buckets
    FROM running
    GROUP BY ${names.length ? names.join(', ') : '()'}
    HAVING sum(n) > 0`;
  const rows: Array<Record<string, unknown>> = await manager.query(sql, params.values);
  return rows.map((row) => ({
    key: readKey(row, dimensions.length),
    sittings: Number(row.sittings),
    medianPercentage: Number(row.median),
    buckets: (row.buckets as Array<number | string>).map(Number),
  }));
}
