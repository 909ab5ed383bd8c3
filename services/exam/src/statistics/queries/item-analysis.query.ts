import type { EntityManager } from 'typeorm';
import { correlationOf, ratioOf, type ExactCorrelation, type Ratio } from '../domain/item-flags';
import type { StatisticsFilter } from '../domain/statistics-filter';
import { withStatisticsSettings } from './exam-statistics.query';
import { SqlParameters, whereClause } from './sql-filter';

/** One question's statistics for all languages (language null) or one language. */
export interface ItemStatisticsRow {
  language: string | null;
  itemNumber: number;
  maxMarks: number;
  responses: number;
  pValue: number;
  discrimination: number | null;
  /** The same, exactly: what flags are decided on. */
  exact: { pValue: Ratio; discrimination: ExactCorrelation | null };
  /** Counts: A, B, C, D, any other answer, omitted. */
  optionCounts: [number, number, number, number, number, number];
}

export interface FormStatisticsRow {
  language: string | null;
  examCode: string;
  sittings: number;
  /** The sum of these sittings' record keys (any size; the cell key is it modulo 2^31). */
  recordKeySum: bigint;
  /** Sums of the total score and of its square (marks), for the perturbed mean and sd. */
  scoreSum: number;
  scoreSquareSum: number;
  itemCount: number;
  meanScore: number;
  stdDevScore: number;
  dichotomous: boolean;
  reliability: number | null;
  standardErrorOfMeasurement: number | null;
}

export interface ItemAnalysisRows {
  forms: FormStatisticsRow[];
  items: ItemStatisticsRow[];
}

/**
 * Filters the per-form rollups can answer: by form, language and month, and the same per country
 * when the filter names countries. ATO and session-kind filters are computed from the facts' item
 * arrays (an ATO's sittings through the (form, ATO) index).
 */
function rollupCanAnswer(filter: StatisticsFilter): boolean {
  return !filter.atoIds && !filter.sessionKinds;
}

/**
 * Item analysis of one form (or one paper in several languages: the form and its translations),
 * all in one SQL statement. Per question: n, sum x, sum x^2, sum x*T
 * (T = total score) and option counts, per language and summed for all languages; per
 * form: n, sum T, sum T^2. From these sums (population moments):
 *   p = mean(x) / maxMarks
 *   corrected point-biserial = cov(x, T - x) / sqrt(var(x) var(T - x)),
 *     with cov(x, T - x) = cov(x, T) - var(x) and var(T - x) = var(T) - 2 cov(x, T) + var(x)
 *   KR-20 / alpha = k / (k - 1) * (1 - sum var(x_i) / var(T))   (var(x_i) = p q for 0/1 items)
 *   SEM = sd(T) * sqrt(1 - reliability)
 * The sums and moments stay exact (numeric) in SQL; p and the discrimination come back also as
 * exact fractions, on which the item flags are decided.
 */
export async function queryItemAnalysis(
  manager: EntityManager,
  formIds: readonly string[],
  filter: StatisticsFilter,
): Promise<ItemAnalysisRows> {
  const params = new SqlParameters();
  const form = params.bind(formIds);
  let itemSums: string;
  let formSums: string;
  if (rollupCanAnswer(filter)) {
    // the country-less rollups are ~40 times smaller: the per-country ones only when needed
    const byCountry = filter.countries !== undefined;
    const formRollup = byCountry ? 'statistics_form_country_rollup' : 'statistics_form_rollup';
    const itemRollup = byCountry ? 'statistics_item_country_rollup' : 'statistics_item_rollup';
    const conditions = [
      `form_id = ANY(${form}::text[])`,
      ...whereClause(
        filter,
        {
          exam: 'exam_code',
          language: 'language',
          country: byCountry ? 'country' : undefined,
          month: 'month',
          form: 'form_id',
        },
        params,
      ),
    ];
    // Item rows carry no exam code; a form belongs to one exam, so the exam filter is a filter on forms.
    const examFilter = filter.exams
      ? `AND i.form_id IN (SELECT form_id FROM ${formRollup} WHERE form_id = ANY(${form}::text[]) AND exam_code = ANY(${params.bind(filter.exams)}::text[]))`
      : '';
    const itemConditions = [
      `i.form_id = ANY(${form}::text[])`,
      ...whereClause(
        { ...filter, exams: undefined },
        {
          exam: 'exam_code',
          language: 'i.language',
          country: byCountry ? 'i.country' : undefined,
          month: 'i.month',
          form: 'i.form_id',
        },
        params,
      ),
    ];
    itemSums = `
      SELECT i.language, i.item_number, max(i.max_marks)::int AS max_marks, sum(i.responses)::numeric AS n, sum(i.marks_sum)::numeric AS sx,
        sum(i.marks_square_sum)::numeric AS sxx, sum(i.marks_total_sum)::numeric AS sxt,
        sum(i.chose_a)::int AS a, sum(i.chose_b)::int AS b, sum(i.chose_c)::int AS c, sum(i.chose_d)::int AS d,
        sum(i.chose_other)::int AS other, sum(i.omitted)::int AS omitted
      FROM ${itemRollup} i
      WHERE ${itemConditions.join(' AND ')} ${examFilter}
      GROUP BY i.language, i.item_number`;
    formSums = `
      SELECT language, min(exam_code) AS exam_code, sum(sittings)::numeric AS n, sum(score_sum)::numeric AS st, sum(score_square_sum)::numeric AS stt,
        sum(key_sum::int8) AS key_sum
      FROM ${formRollup} WHERE ${conditions.join(' AND ')}
      GROUP BY GROUPING SETS ((language), ())`;
  } else {
    const conditions = [
      `f.form_id = ANY(${form}::text[])`,
      ...whereClause(
        filter,
        {
          exam: 'f.exam_code',
          language: 'f.language',
          country: 'f.country',
          ato: 'f.ato_id',
          sessionKind: 'f.session_kind',
          form: 'f.form_id',
          month: 'f.sat_month',
        },
        params,
      ),
    ].join(' AND ');
    itemSums = `
      SELECT f.language, u.item_number::int AS item_number, max(u.max_marks)::int AS max_marks, count(*)::numeric AS n,
        sum(u.marks)::numeric AS sx, sum(u.marks * u.marks)::numeric AS sxx, sum(u.marks * f.score)::numeric AS sxt,
        count(*) FILTER (WHERE u.option = 1)::int AS a, count(*) FILTER (WHERE u.option = 2)::int AS b,
        count(*) FILTER (WHERE u.option = 3)::int AS c, count(*) FILTER (WHERE u.option = 4)::int AS d,
        count(*) FILTER (WHERE u.option = 5)::int AS other, count(*) FILTER (WHERE u.option = 0)::int AS omitted
      FROM statistics_result_fact f,
        unnest(f.item_marks, f.item_max_marks, f.item_options) WITH ORDINALITY AS u(marks, max_marks, option, item_number)
      WHERE ${conditions}
      GROUP BY f.language, u.item_number`;
    formSums = `
      SELECT f.language, min(f.exam_code) AS exam_code, count(*)::numeric AS n, sum(f.score)::numeric AS st, sum(f.score * f.score)::numeric AS stt,
        sum(f.record_key::int8) AS key_sum
      FROM statistics_result_fact f WHERE ${conditions}
      GROUP BY GROUPING SETS ((f.language), ())`;
  }
  const sql = `
    WITH item_sums_by_language AS (${itemSums}),
    -- all languages together: the per-language sums add up (cheaper than GROUPING SETS over every response)
    item_sums AS (
      SELECT * FROM item_sums_by_language
      UNION ALL
      SELECT NULL, item_number, max(max_marks), sum(n), sum(sx), sum(sxx), sum(sxt), sum(a)::int, sum(b)::int, sum(c)::int, sum(d)::int,
        sum(other)::int, sum(omitted)::int
      FROM item_sums_by_language GROUP BY item_number
    ),
    form_sums AS (SELECT * FROM (${formSums}) f WHERE n > 0),
    -- Moments times n^2 (n^4 for products), on the exact numeric sums: a statistic that is exactly
    -- zero stays zero, and every sign and threshold is decided before any rounding.
    item_moments AS (
      SELECT i.*, f.n * f.stt - f.st * f.st AS vt,
        i.n * i.sxx - i.sx * i.sx AS vx,
        i.n * i.sxt - i.sx * f.st AS cxt
      FROM item_sums i JOIN form_sums f ON f.language IS NOT DISTINCT FROM i.language
    ),
    item_stats AS (
      SELECT language, item_number, max_marks, n, a, b, c, d, other, omitted, vx,
        sx AS p_numerator, n * max_marks AS p_denominator,
        -- corrected point-biserial: cov(x, T - x) / sqrt(var(x) var(T - x))
        CASE WHEN vx > 0 AND vt - 2 * cxt + vx > 0 THEN cxt - vx END AS d_numerator,
        CASE WHEN vx > 0 AND vt - 2 * cxt + vx > 0 THEN vx * (vt - 2 * cxt + vx) END AS d_radicand
      FROM item_moments
    ),
    form_stats AS (
      SELECT f.language, f.exam_code, f.n, f.st, f.stt, f.key_sum, f.n * f.stt - f.st * f.st AS vt, count(s.item_number) AS k,
        sum(s.vx) AS sum_vx, coalesce(bool_and(s.max_marks = 1), true) AS dichotomous
      FROM form_sums f LEFT JOIN item_stats s ON s.language IS NOT DISTINCT FROM f.language
      GROUP BY f.language, f.exam_code, f.n, f.st, f.stt, f.key_sum
    )
    SELECT 'form' AS record, language, exam_code, n::int AS n, st::float8 / n::float8 AS mean, sqrt(vt::float8) / n::float8 AS sd,
      st::float8 AS st, stt::float8 AS stt, key_sum::text AS key_sum,
      k::int AS k, dichotomous,
      -- KR-20 / alpha = k (var(T) - sum var(x)) / ((k - 1) var(T)), one division of exact values
      CASE WHEN k > 1 AND vt > 0 THEN (k * (vt - sum_vx))::float8 / ((k - 1) * vt)::float8 END AS reliability,
      NULL::int AS item_number, NULL::int AS max_marks, NULL::text AS p_numerator, NULL::text AS p_denominator,
      NULL::text AS d_numerator, NULL::text AS d_radicand,
      NULL::int AS a, NULL::int AS b, NULL::int AS c, NULL::int AS d, NULL::int AS other, NULL::int AS omitted
    FROM form_stats
    UNION ALL
    SELECT 'item', language, NULL, n::int, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, item_number, max_marks, p_numerator::text, p_denominator::text,
      d_numerator::text, d_radicand::text, a, b, c, d, other, omitted
    FROM item_stats
    ORDER BY 1, 2 NULLS FIRST, 13`;
  const rows: Array<Record<string, unknown>> = await withStatisticsSettings(manager, (tx) =>
    tx.query(sql, params.values),
  );
  const forms: FormStatisticsRow[] = [];
  const items: ItemStatisticsRow[] = [];
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  for (const row of rows) {
    const language = row.language === null ? null : String(row.language);
    if (row.record === 'form') {
      const reliability = num(row.reliability);
      const sd = Number(row.sd);
      forms.push({
        language,
        examCode: String(row.exam_code),
        sittings: Number(row.n),
        recordKeySum: BigInt(String(row.key_sum)),
        scoreSum: Number(row.st),
        scoreSquareSum: Number(row.stt),
        itemCount: Number(row.k),
        meanScore: Number(row.mean),
        stdDevScore: sd,
        dichotomous: Boolean(row.dichotomous),
        reliability,
        standardErrorOfMeasurement:
          reliability === null || reliability > 1 ? null : sd * Math.sqrt(1 - reliability),
      });
    } else {
      const pValue = ratioOf(String(row.p_numerator), String(row.p_denominator));
      const discrimination =
        row.d_numerator === null ? null : correlationOf(String(row.d_numerator), String(row.d_radicand));
      items.push({
        language,
        itemNumber: Number(row.item_number),
        maxMarks: Number(row.max_marks),
        responses: Number(row.n),
        pValue: Number(pValue.numerator) / Number(pValue.denominator),
        discrimination:
          discrimination === null
            ? null
            : Number(discrimination.numerator) / Math.sqrt(Number(discrimination.radicand)),
        exact: { pValue, discrimination },
        optionCounts: [
          Number(row.a),
          Number(row.b),
          Number(row.c),
          Number(row.d),
          Number(row.other),
          Number(row.omitted),
        ],
      });
    }
  }
  return { forms, items };
}
