import type { EntityManager } from 'typeorm';
import type { StatisticsDimension, StatisticsFilter } from '../domain/statistics-filter';
import { EXAMS_WITH_TRAINER_THRESHOLD } from '../released-result/released-result-fact';
import { combinedCellKey } from '../domain/perturbation';
import { SqlParameters, whereClause, type FilterColumns } from './sql-filter';

export const BUCKET_COUNT = 10;

/** Keys of some groups, per dimension, as the rollups store them (GroupTable.storedValues). */
export type GroupKeys = string[][];

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
const MONTHLY_DIMENSIONS: ReadonlySet<StatisticsDimension> = new Set([
  'EXAM',
  'LANGUAGE',
  'MONTH',
  'QUARTER',
  'YEAR',
]);

function usesOnlyMonthlyDimensions(
  filter: StatisticsFilter,
  dimensions: readonly StatisticsDimension[],
): boolean {
  return (
    !filter.countries &&
    !filter.atoIds &&
    !filter.sessionKinds &&
    !filter.formIds &&
    dimensions.every((d) => MONTHLY_DIMENSIONS.has(d))
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
export async function withStatisticsSettings<T>(
  manager: EntityManager,
  run: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return manager.transaction('READ COMMITTED', async (tx) => {
    await tx.query(`SET LOCAL work_mem = '64MB'; SET LOCAL jit = off`); // one round trip (simple protocol, no parameters)
    return run(tx);
  });
}

/**
 * Which sums a request reads besides the sittings (which suppression always needs): each costs a
 * list of tens of thousands of numbers to format, send and parse, so only the selected ones.
 */
export type SumColumns = ReadonlySet<'passed' | 'trainer' | 'moments'>;
export const ALL_SUM_COLUMNS: SumColumns = new Set(['passed', 'trainer', 'moments']);

/**
 * The groups of one request as columns (typed arrays), in key order: what suppression and paging
 * need for every group, without an object per group. Values are interned per dimension: group i has
 * value `values[d][valueIds[d][i]]`. A sum not read for this request is null.
 */
export interface GroupTable {
  dimensions: readonly StatisticsDimension[];
  size: number;
  /** Per dimension, its distinct values in key order, as shown (null: no ATO). */
  values: Array<Array<string | null>>;
  /** The same values as the rollups store them (ATO '' for none, periods as 'YYYY-MM-DD'). */
  storedValues: string[][];
  valueIds: Int32Array[];
  sittings: Float64Array;
  passed: Float64Array | null;
  trainerEligible: Float64Array | null;
  /** Passes of exams that have a trainer threshold: the trainer-eligibility rate's denominator. */
  passedWithTrainerThreshold: Float64Array | null;
  /** Sums of the percentage score in hundredths, and of its square: exact integers in a double. */
  percentageSum: Float64Array | null;
  percentageSquareSum: Float64Array | null;
  /** Per group, its cell key (the sum of its sittings' record keys modulo 2^31): domain/perturbation.ts. */
  cellKeys: Float64Array;
}

/** Additive numbers of one group (or of the total), with mean and standard deviation; undefined when not read. */
export interface GroupSummary {
  sittings: number;
  /** The cell key of these sittings, from which every published number of the group takes its noise. */
  cellKey: number;
  passed?: number;
  trainerEligible?: number;
  passedWithTrainerThreshold?: number;
  /** Sums of the percentage score in hundredths and of its square (mean and sd are computed after perturbation). */
  percentageSum?: number;
  percentageSquareSum?: number;
}

export function summaryOf(table: GroupTable, i: number): GroupSummary {
  const at = (xs: Float64Array | null) => (xs ? xs[i] : undefined);
  return summaryFromSums(
    table.sittings[i],
    table.cellKeys[i],
    at(table.passed),
    at(table.trainerEligible),
    at(table.passedWithTrainerThreshold),
    at(table.percentageSum),
    at(table.percentageSquareSum),
  );
}

/** The sums of every group: the total of the request (groups partition the filtered sittings). */
export function totalOf(table: GroupTable): GroupSummary {
  const sum = (xs: Float64Array | null) => xs?.reduce((s, x) => s + x, 0);
  return summaryFromSums(
    sum(table.sittings)!,
    combinedCellKey(table.cellKeys),
    sum(table.passed),
    sum(table.trainerEligible),
    sum(table.passedWithTrainerThreshold),
    sum(table.percentageSum),
    sum(table.percentageSquareSum),
  );
}

function summaryFromSums(
  n: number,
  cellKey: number,
  passed?: number,
  trainerEligible?: number,
  passedWithTrainerThreshold?: number,
  s?: number,
  ss?: number,
): GroupSummary {
  return {
    sittings: n,
    cellKey,
    passed,
    trainerEligible,
    passedWithTrainerThreshold,
    percentageSum: s,
    percentageSquareSum: ss,
  };
}

const TIME_DIMENSIONS: ReadonlySet<StatisticsDimension> = new Set(['MONTH', 'QUARTER', 'YEAR']);

/** A period's first day 'YYYY-MM-DD' as shown: 'YYYY-MM', 'YYYY-Qn' or 'YYYY'. */
function showTime(dimension: StatisticsDimension, day: string): string {
  if (dimension === 'YEAR') return day.slice(0, 4);
  if (dimension === 'QUARTER')
    return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
  return day.slice(0, 7);
}

/** Comma-separated integers (PostgreSQL string_agg output) into a typed array, without a string per number. */
function parseIntegers(text: string | null, size: number): Float64Array {
  const out = new Float64Array(size);
  if (!text) return out;
  let k = 0;
  let value = 0;
  let negative = false;
  for (let p = 0; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (c === 44) {
      out[k++] = negative ? -value : value;
      value = 0;
      negative = false;
    } else if (c === 45) negative = true;
    else value = value * 10 + (c - 48);
  }
  out[k] = negative ? -value : value;
  return out;
}

/**
 * Positions of the groups in key order, given each group's value ranks per dimension (distinct
 * groups, so the mixed-radix number of the ranks is unique per group).
 */
function keyOrder(ranks: readonly Float64Array[], radixes: readonly number[], size: number): Int32Array {
  const order = new Int32Array(size);
  const radix = radixes.reduce((p, r) => p * Math.max(r, 1), 1);
  const composite = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let key = 0;
    for (let d = 0; d < ranks.length; d++) key = key * radixes[d] + ranks[d][i];
    composite[i] = key;
  }
  if (radix <= 4 * size + 1024) {
    // dense keys (the usual case: most combinations occur): place each group in its slot
    const slot = new Int32Array(radix).fill(-1);
    for (let i = 0; i < size; i++) slot[composite[i]] = i;
    let k = 0;
    for (let c = 0; c < radix; c++) if (slot[c] >= 0) order[k++] = slot[c];
  } else if (radix * size < Number.MAX_SAFE_INTEGER) {
    // key and position in one double: a numeric sort without a comparator
    const packed = new Float64Array(size);
    for (let i = 0; i < size; i++) packed[i] = composite[i] * size + i;
    packed.sort();
    for (let k = 0; k < size; k++) order[k] = packed[k] % size;
  } else {
    const positions = Array.from({ length: size }, (_, i) => i);
    positions.sort((a, b) => {
      for (let d = 0; d < ranks.length; d++)
        if (ranks[d][a] !== ranks[d][b]) return ranks[d][a] - ranks[d][b];
      return 0;
    });
    order.set(positions);
  }
  return order;
}

/**
 * Counts, pass rate, mean and standard deviation of every group from the group rollup: sums only,
 * so this path serves "pass rate by ATO by month" without reading any score distribution.
 *
 * PostgreSQL aggregates and returns ONE row of columns: per dimension its distinct values in key
 * order ("C" collation, dates) and each group's rank in them, and per sum a comma-separated list;
 * Node parses the integers straight into typed arrays and puts the groups in key order by their
 * ranks. Tens of thousands of groups as rows or JSON objects cost several times the aggregation
 * to format and parse, and each ordered aggregate would sort on its own.
 */
export async function queryGroupTable(
  manager: EntityManager,
  filter: StatisticsFilter,
  dimensions: readonly StatisticsDimension[],
  columns: SumColumns = ALL_SUM_COLUMNS,
): Promise<GroupTable> {
  const params = new SqlParameters();
  const conditions = whereClause(filter, FULL_COLUMNS, params);
  // the key sum as float8: exact below 2^53, i.e. for millions of rollup rows, and far cheaper than numeric
  const sums: Array<[name: string, sql: string]> = [
    ['n', 'sum(sittings)::int'],
    ['cell_key', '(sum(key_sum::float8)::int8 % 2147483648)::int'],
  ];
  if (columns.has('passed')) sums.push(['passed', 'sum(passed)::int']);
  if (columns.has('trainer')) {
    sums.push(['trainer_eligible', 'sum(trainer_eligible)::int']);
    const trainerExams = params.bind(EXAMS_WITH_TRAINER_THRESHOLD);
    sums.push([
      'passed_with_threshold',
      `coalesce(sum(passed) FILTER (WHERE exam_code = ANY(${trainerExams}::text[])), 0)::int`,
    ]);
  }
  if (columns.has('moments')) {
    sums.push(
      ['s', 'sum(percentage_hundredths_sum::float8)::int8'],
      ['ss', 'sum(percentage_hundredths_square_sum::float8)::int8'],
    );
  }
  const { names, group } = keyColumns(dimensions);
  const dictionaries = dimensions.map(
    (d, i) =>
      `d${i} AS (SELECT g AS g${i}, (row_number() OVER (ORDER BY g${TIME_DIMENSIONS.has(d) ? '' : ' COLLATE "C"'}))::int - 1 AS r${i} FROM (SELECT DISTINCT g${i} AS g FROM sums) v)`,
  );
  const dictionaryValues = dimensions.map((d, i) =>
    TIME_DIMENSIONS.has(d)
      ? `(SELECT json_agg(to_char(g${i}, 'YYYY-MM-DD') ORDER BY r${i}) FROM d${i})::text AS v${i}`
      : `(SELECT json_agg(g${i} ORDER BY r${i}) FROM d${i})::text AS v${i}`,
  );
  const sql = `
    WITH sums AS (
      SELECT ${group ? `${group},` : ''} ${sums.map(([name, sql]) => `${sql} AS ${name}`).join(', ')}
      FROM statistics_group_rollup
      ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
      GROUP BY ${names.length ? names.join(', ') : '()'}
      HAVING sum(sittings) > 0
    )${dictionaries.map((d) => `, ${d}`).join('')}
    SELECT count(*)::int AS size, ${dictionaryValues.map((v) => `${v},`).join(' ')}
      ${dimensions.map((_, i) => `string_agg(r${i}::text, ',') AS k${i},`).join(' ')}
      ${sums.map(([name]) => `string_agg(${name}::text, ',') AS ${name}`).join(', ')}
    FROM sums ${dimensions.map((_, i) => `JOIN d${i} USING (g${i})`).join(' ')}`;
  const [row]: Array<Record<string, string | number | null>> = await withStatisticsSettings(manager, (tx) =>
    tx.query(sql, params.values),
  );
  const size = Number(row.size);
  const column = (name: string) => parseIntegers(row[name] as string | null, size);

  const storedValues = dimensions.map((_, d) =>
    size ? (JSON.parse(row[`v${d}`] as string) as string[]) : [],
  );
  const values = dimensions.map((dimension, d) =>
    storedValues[d].map((v) =>
      TIME_DIMENSIONS.has(dimension) ? showTime(dimension, v) : dimension === 'ATO' && v === '' ? null : v,
    ),
  );
  const ranks = dimensions.map((_, d) => column(`k${d}`));
  const order = keyOrder(
    ranks,
    values.map((v) => v.length),
    size,
  );
  const permute = (xs: Float64Array): Float64Array => {
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = xs[order[i]];
    return out;
  };
  const optional = (name: string) => (sums.some(([n]) => n === name) ? permute(column(name)) : null);
  return {
    dimensions,
    size,
    values,
    storedValues,
    valueIds: ranks.map((r) => Int32Array.from(permute(r))),
    sittings: permute(column('n')),
    passed: optional('passed'),
    trainerEligible: optional('trainer_eligible'),
    passedWithTrainerThreshold: optional('passed_with_threshold'),
    percentageSum: optional('s'),
    percentageSquareSum: optional('ss'),
    cellKeys: permute(column('cell_key')),
  };
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
  only?: GroupKeys,
): Promise<GroupDistributionRow[]> {
  const monthly = usesOnlyMonthlyDimensions(filter, dimensions);
  const params = new SqlParameters();
  const conditions = whereClause(filter, monthly ? MONTHLY_COLUMNS : FULL_COLUMNS, params);
  const { names, group } = keyColumns(dimensions);
  if (only && dimensions.length) {
    // Only the groups asked for (a page): the rows of other groups are filtered out before the
    // per-score grouping and the running counts, which are the expensive part.
    const columns = dimensions.map(
      (d, i) => `${params.bind(only[i])}::${TIME_DIMENSIONS.has(d) ? 'date' : 'text'}[]`,
    );
    const aliases = dimensions.map((_, i) => `k${i}`);
    conditions.push(
      `(${dimensions.map((d) => DIMENSION_SQL[d].group).join(', ')}) IN (SELECT ${aliases.join(', ')} FROM unnest(${columns.join(', ')}) AS k(${aliases.join(', ')}))`,
    );
  }
  const partition = names.length ? `PARTITION BY ${names.join(', ')}` : '';
  const keyJson = dimensions.map((d, i) => DIMENSION_SQL[d].show(`g${i}`)).join(', ');
  // 10-point buckets on hundredths of a percent: [0,1000), ... [9000,10000]; 100% joins the last.
  const buckets = Array.from(
    { length: BUCKET_COUNT },
    (_, b) => `coalesce(sum(n) FILTER (WHERE bucket = ${b}), 0)`,
  ).join(', ');
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
  const [{ groups }]: Array<{ groups: string }> = await withStatisticsSettings(manager, (tx) =>
    tx.query(sql, params.values),
  );
  const rows = JSON.parse(groups) as Array<[Array<string | null>, number, number, number[]]>;
  return rows.map(([key, sittings, medianPercentage, counts]) => ({
    key: key.map((v) => (v === null ? null : String(v))),
    sittings,
    medianPercentage,
    buckets: counts,
  }));
}
