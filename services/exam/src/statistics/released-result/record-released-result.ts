import { randomInt } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { RECORD_KEY_MODULUS } from '../domain/perturbation';
import { ITEM_SCORE_ROLLUP_FROM_FACTS } from '../migrations/1733200000005-statistics-item-score-rollup';
import {
  firstDayOfMonth,
  optionCode,
  releasedResultFactSchema,
  type ReleasedResultFact,
} from './released-result-fact';

/** One fact as the rollups need it (also what removeReleasedResult reads back). */
interface FactRow {
  exam_code: string;
  language: string;
  country: string;
  ato_id: string | null;
  session_kind: string;
  form_id: string;
  sat_month: string;
  score: string;
  percentage: string;
  passed: boolean;
  trainer_eligible: boolean;
  item_marks: number[];
  item_max_marks: number[];
  item_options: number[];
  record_key: number;
}

/**
 * Records a released result for statistics, inside the exam service's release transaction.
 * Idempotent: a sitting already recorded is left as it is (returns false).
 */
export async function recordReleasedResult(
  manager: EntityManager,
  fact: ReleasedResultFact,
): Promise<boolean> {
  const parsed = releasedResultFactSchema.safeParse(fact);
  if (!parsed.success) {
    throw new Error(
      `Invalid released result fact for statistics: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const responses = [...fact.itemResponses].sort((a, b) => a.itemNumber - b.itemNumber);
  const row: FactRow = {
    exam_code: fact.examCode,
    language: fact.language,
    country: fact.country,
    ato_id: fact.atoId,
    session_kind: fact.sessionKind,
    form_id: fact.formId,
    sat_month: firstDayOfMonth(fact.satOn),
    score: fact.score.toFixed(2),
    percentage: fact.percentage.toFixed(2),
    passed: fact.passed,
    trainer_eligible: fact.trainerEligible,
    item_marks: responses.map((r) => r.marks),
    item_max_marks: responses.map((r) => r.maxMarks),
    item_options: responses.map((r) => optionCode(r.chosenOption)),
    // the record key of cell-key perturbation: from a cryptographic source, so no one can predict it
    record_key: randomInt(0, RECORD_KEY_MODULUS),
  };
  const inserted: unknown[] = await manager.query(
    `INSERT INTO statistics_result_fact (sitting_id, exam_code, language, country, ato_id, session_kind, form_id, sat_on, sat_month,
       score, max_score, percentage, passed, trainer_eligible, item_marks, item_max_marks, item_options, record_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
     ON CONFLICT (sitting_id) DO NOTHING RETURNING sitting_id`,
    [
      fact.sittingId,
      row.exam_code,
      row.language,
      row.country,
      row.ato_id,
      row.session_kind,
      row.form_id,
      fact.satOn,
      row.sat_month,
      row.score,
      fact.maxScore.toFixed(2),
      row.percentage,
      row.passed,
      row.trainer_eligible,
      row.item_marks,
      row.item_max_marks,
      row.item_options,
      row.record_key,
    ],
  );
  if (inserted.length === 0) return false;
  await applyToRollups(manager, row, 1);
  return true;
}

/** Takes a voided (or re-marked) sitting out of the statistics; returns false when it was not recorded. */
export async function removeReleasedResult(manager: EntityManager, sittingId: string): Promise<boolean> {
  const rows: FactRow[] = await manager.query(
    // As a SELECT over the DELETE: TypeORM returns [rows, count] for a bare DELETE ... RETURNING.
    `WITH removed AS (DELETE FROM statistics_result_fact WHERE sitting_id = $1 RETURNING *)
     SELECT exam_code, language, country, ato_id, session_kind, form_id, to_char(sat_month, 'YYYY-MM-DD') AS sat_month,
       score::text AS score, percentage::text AS percentage, passed, trainer_eligible, item_marks, item_max_marks, item_options,
       record_key
     FROM removed`,
    [sittingId],
  );
  if (rows.length === 0) return false;
  await applyToRollups(manager, rows[0], -1);
  return true;
}

// Every rollup is a sum, so recording adds the fact and removing adds its negation with the same
// upsert; rows that drop to zero sittings are deleted so no empty group ever shows up.
async function applyToRollups(manager: EntityManager, row: FactRow, sign: 1 | -1): Promise<void> {
  await bumpRollupVersion(manager);
  const passed = row.passed ? sign : 0;
  const hundredths = Math.round(Number(row.percentage) * 100);
  const trainer = row.trainer_eligible ? sign : 0;
  // key sums are modulo 2^31: removing adds the key's complement
  const key = sign > 0 ? row.record_key : (RECORD_KEY_MODULUS - row.record_key) % RECORD_KEY_MODULUS;
  const atoKey = row.ato_id ?? '';
  const dims = [
    row.exam_code,
    row.language,
    row.country,
    atoKey,
    row.session_kind,
    row.form_id,
    row.sat_month,
  ];

  await manager.query(
    `INSERT INTO statistics_score_rollup AS r (exam_code, language, country, ato_key, session_kind, form_id, month, percentage_hundredths, sittings, passed, trainer_eligible)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (exam_code, language, country, ato_key, session_kind, form_id, month, percentage_hundredths) DO UPDATE SET
       sittings = r.sittings + EXCLUDED.sittings, passed = r.passed + EXCLUDED.passed, trainer_eligible = r.trainer_eligible + EXCLUDED.trainer_eligible`,
    [...dims, hundredths, sign, passed, trainer],
  );
  await manager.query(
    `INSERT INTO statistics_monthly_score_rollup AS r (exam_code, language, month, percentage_hundredths, sittings, passed, trainer_eligible)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (exam_code, language, month, percentage_hundredths) DO UPDATE SET
       sittings = r.sittings + EXCLUDED.sittings, passed = r.passed + EXCLUDED.passed, trainer_eligible = r.trainer_eligible + EXCLUDED.trainer_eligible`,
    [row.exam_code, row.language, row.sat_month, hundredths, sign, passed, trainer],
  );
  await manager.query(
    `INSERT INTO statistics_group_rollup AS r (exam_code, language, country, ato_key, session_kind, form_id, month,
       sittings, passed, trainer_eligible, percentage_hundredths_sum, percentage_hundredths_square_sum, key_sum)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::int, $9::int, $10::int, $8::int * $11::bigint, $8::int * $11::bigint * $11::bigint, $12::int)
     ON CONFLICT (exam_code, language, country, ato_key, session_kind, form_id, month) DO UPDATE SET
       sittings = r.sittings + EXCLUDED.sittings, key_sum = ((r.key_sum::int8 + EXCLUDED.key_sum) % 2147483648)::int, passed = r.passed + EXCLUDED.passed, trainer_eligible = r.trainer_eligible + EXCLUDED.trainer_eligible,
       percentage_hundredths_sum = r.percentage_hundredths_sum + EXCLUDED.percentage_hundredths_sum,
       percentage_hundredths_square_sum = r.percentage_hundredths_square_sum + EXCLUDED.percentage_hundredths_square_sum`,
    [...dims, sign, passed, trainer, hundredths, key],
  );
  // The form and item sums twice: per (form, language, month), and per country too (item analysis
  // filtered by country); both tables have the same columns but the country.
  for (const byCountry of [false, true]) {
    const suffix = byCountry ? '_country' : '';
    const country = byCountry ? 'country, ' : '';
    await manager.query(
      `INSERT INTO statistics_form${suffix}_rollup AS r (form_id, language, ${country}month, exam_code, sittings, score_sum, score_square_sum, key_sum)
       VALUES ($1, $2, ${byCountry ? '$8, ' : ''}$3, $4, $5::int, $5::int * $6::numeric, $5::int * $6::numeric * $6::numeric, $7::int)
       ON CONFLICT (form_id, language, ${country}month) DO UPDATE SET
         sittings = r.sittings + EXCLUDED.sittings, key_sum = ((r.key_sum::int8 + EXCLUDED.key_sum) % 2147483648)::int, score_sum = r.score_sum + EXCLUDED.score_sum, score_square_sum = r.score_square_sum + EXCLUDED.score_square_sum`,
      [
        row.form_id,
        row.language,
        row.sat_month,
        row.exam_code,
        sign,
        row.score,
        key,
        ...(byCountry ? [row.country] : []),
      ],
    );
    if (row.item_marks.length === 0) continue;
    await manager.query(
      `INSERT INTO statistics_item${suffix}_rollup AS r (form_id, language, ${country}month, item_number, max_marks, responses, marks_sum, marks_square_sum,
         marks_total_sum, chose_a, chose_b, chose_c, chose_d, chose_other, omitted)
       SELECT $1::text, $2::text, ${byCountry ? '$9::text, ' : ''}$3::date, u.item_number, u.max_marks, $4::int, $4::int * u.marks, $4::int * u.marks * u.marks, $4::int * u.marks * $5::numeric,
         $4::int * (u.option = 1)::int, $4::int * (u.option = 2)::int, $4::int * (u.option = 3)::int, $4::int * (u.option = 4)::int,
         $4::int * (u.option = 5)::int, $4::int * (u.option = 0)::int
       FROM unnest($6::smallint[], $7::smallint[], $8::smallint[]) WITH ORDINALITY AS u(marks, max_marks, option, item_number)
       ORDER BY u.item_number
       ON CONFLICT (form_id, language, ${country}month, item_number) DO UPDATE SET
         max_marks = EXCLUDED.max_marks, responses = r.responses + EXCLUDED.responses, marks_sum = r.marks_sum + EXCLUDED.marks_sum,
         marks_square_sum = r.marks_square_sum + EXCLUDED.marks_square_sum, marks_total_sum = r.marks_total_sum + EXCLUDED.marks_total_sum,
         chose_a = r.chose_a + EXCLUDED.chose_a, chose_b = r.chose_b + EXCLUDED.chose_b, chose_c = r.chose_c + EXCLUDED.chose_c,
         chose_d = r.chose_d + EXCLUDED.chose_d, chose_other = r.chose_other + EXCLUDED.chose_other, omitted = r.omitted + EXCLUDED.omitted`,
      [
        row.form_id,
        row.language,
        row.sat_month,
        sign,
        row.score,
        row.item_marks,
        row.item_max_marks,
        row.item_options,
        ...(byCountry ? [row.country] : []),
      ],
    );
  }
  // The DIF strata: this sitting's right/wrong questions at its total score, per grouping.
  if (row.item_max_marks.some((max) => max === 1)) {
    await manager.query(
      `INSERT INTO statistics_item_score_rollup AS r (form_id, grouping, group_value, total_score, item_number, sittings, correct, key_sum)
       SELECT $1::text, g.grouping, g.value, round($4::numeric)::int, u.item_number, $5::int, $5::int * (u.marks = 1)::int, $6::int
       FROM unnest($7::smallint[], $8::smallint[]) WITH ORDINALITY AS u(marks, max_marks, item_number),
         (VALUES ('LANGUAGE', ''), ('COUNTRY', $2::text), ('SESSION_KIND', $3::text)) AS g(grouping, value)
       WHERE u.max_marks = 1
       ORDER BY 2, 3, 5
       ON CONFLICT (form_id, grouping, group_value, total_score, item_number) DO UPDATE SET
         sittings = r.sittings + EXCLUDED.sittings, correct = r.correct + EXCLUDED.correct,
         key_sum = ((r.key_sum::int8 + EXCLUDED.key_sum) % 2147483648)::int`,
      [row.form_id, row.country, row.session_kind, row.score, sign, key, row.item_marks, row.item_max_marks],
    );
  }
  if (sign < 0) {
    await manager.query(
      `DELETE FROM statistics_item_score_rollup WHERE form_id = $1 AND total_score = round($2::numeric)::int AND sittings = 0`,
      [row.form_id, row.score],
    );
    await manager.query(
      `DELETE FROM statistics_score_rollup WHERE exam_code = $1 AND language = $2 AND country = $3 AND ato_key = $4 AND session_kind = $5
         AND form_id = $6 AND month = $7 AND percentage_hundredths = $8 AND sittings = 0`,
      [...dims, hundredths],
    );
    await manager.query(
      `DELETE FROM statistics_monthly_score_rollup WHERE exam_code = $1 AND language = $2 AND month = $3 AND percentage_hundredths = $4 AND sittings = 0`,
      [row.exam_code, row.language, row.sat_month, hundredths],
    );
    await manager.query(
      `DELETE FROM statistics_group_rollup WHERE exam_code = $1 AND language = $2 AND country = $3 AND ato_key = $4 AND session_kind = $5
         AND form_id = $6 AND month = $7 AND sittings = 0`,
      dims,
    );
    for (const byCountry of [false, true]) {
      const suffix = byCountry ? '_country' : '';
      const where = `form_id = $1 AND language = $2 AND month = $3${byCountry ? ' AND country = $4' : ''}`;
      const key = [row.form_id, row.language, row.sat_month, ...(byCountry ? [row.country] : [])];
      await manager.query(`DELETE FROM statistics_form${suffix}_rollup WHERE ${where} AND sittings = 0`, key);
      await manager.query(
        `DELETE FROM statistics_item${suffix}_rollup WHERE ${where} AND responses = 0`,
        key,
      );
    }
  }
}

/**
 * Counts a change of the rollups for result caches (statistics-cache.ts), in the caller's
 * transaction: it commits or rolls back with the change. One slot per connection, so concurrent
 * release transactions rarely wait for each other's row lock.
 */
export async function bumpRollupVersion(manager: EntityManager): Promise<void> {
  await manager.query(
    `UPDATE statistics_rollup_version SET version = version + 1 WHERE slot = pg_backend_pid() % 16`,
  );
}

/**
 * Recomputes every rollup from the facts (after a bulk load, or to repair). Same sums as the
 * incremental path; a test checks that both agree.
 */
export async function rebuildRollups(manager: EntityManager): Promise<void> {
  await bumpRollupVersion(manager);
  await manager.query(
    `TRUNCATE statistics_score_rollup, statistics_monthly_score_rollup, statistics_group_rollup, statistics_form_rollup, statistics_item_rollup,
       statistics_form_country_rollup, statistics_item_country_rollup, statistics_item_score_rollup`,
  );
  await manager.query(ITEM_SCORE_ROLLUP_FROM_FACTS);
  await manager.query(
    `INSERT INTO statistics_score_rollup (exam_code, language, country, ato_key, session_kind, form_id, month, percentage_hundredths, sittings, passed, trainer_eligible)
     SELECT exam_code, language, country, coalesce(ato_id, ''), session_kind, form_id, sat_month, (percentage * 100)::int,
       count(*), count(*) FILTER (WHERE passed), count(*) FILTER (WHERE trainer_eligible)
     FROM statistics_result_fact GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
  );
  await manager.query(
    `INSERT INTO statistics_monthly_score_rollup (exam_code, language, month, percentage_hundredths, sittings, passed, trainer_eligible)
     SELECT exam_code, language, month, percentage_hundredths, sum(sittings), sum(passed), sum(trainer_eligible)
     FROM statistics_score_rollup GROUP BY 1, 2, 3, 4`,
  );
  // from the facts: the record keys are there only
  await manager.query(
    `INSERT INTO statistics_group_rollup (exam_code, language, country, ato_key, session_kind, form_id, month,
       sittings, passed, trainer_eligible, percentage_hundredths_sum, percentage_hundredths_square_sum, key_sum)
     SELECT exam_code, language, country, coalesce(ato_id, ''), session_kind, form_id, sat_month, count(*), count(*) FILTER (WHERE passed),
       count(*) FILTER (WHERE trainer_eligible), sum((percentage * 100)::int8), sum((percentage * 100)::int8 * (percentage * 100)::int8),
       (sum(record_key) % 2147483648)::int
     FROM statistics_result_fact GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  );
  // per country from the facts, then without country by summing over the countries (exact: integer and numeric sums)
  await manager.query(
    `INSERT INTO statistics_form_country_rollup (form_id, language, country, month, exam_code, sittings, score_sum, score_square_sum, key_sum)
     SELECT form_id, language, country, sat_month, min(exam_code), count(*), sum(score), sum(score * score), (sum(record_key) % 2147483648)::int
     FROM statistics_result_fact GROUP BY 1, 2, 3, 4`,
  );
  await manager.query(
    `INSERT INTO statistics_item_country_rollup (form_id, language, country, month, item_number, max_marks, responses, marks_sum, marks_square_sum,
       marks_total_sum, chose_a, chose_b, chose_c, chose_d, chose_other, omitted)
     SELECT f.form_id, f.language, f.country, f.sat_month, u.item_number, max(u.max_marks), count(*), sum(u.marks), sum(u.marks * u.marks),
       sum(u.marks * f.score), count(*) FILTER (WHERE u.option = 1), count(*) FILTER (WHERE u.option = 2), count(*) FILTER (WHERE u.option = 3),
       count(*) FILTER (WHERE u.option = 4), count(*) FILTER (WHERE u.option = 5), count(*) FILTER (WHERE u.option = 0)
     FROM statistics_result_fact f,
       unnest(f.item_marks, f.item_max_marks, f.item_options) WITH ORDINALITY AS u(marks, max_marks, option, item_number)
     GROUP BY 1, 2, 3, 4, 5`,
  );
  await manager.query(
    `INSERT INTO statistics_form_rollup (form_id, language, month, exam_code, sittings, score_sum, score_square_sum, key_sum)
     SELECT form_id, language, month, min(exam_code), sum(sittings), sum(score_sum), sum(score_square_sum), (sum(key_sum::int8) % 2147483648)::int
     FROM statistics_form_country_rollup GROUP BY 1, 2, 3`,
  );
  await manager.query(
    `INSERT INTO statistics_item_rollup (form_id, language, month, item_number, max_marks, responses, marks_sum, marks_square_sum,
       marks_total_sum, chose_a, chose_b, chose_c, chose_d, chose_other, omitted)
     SELECT form_id, language, month, item_number, max(max_marks), sum(responses), sum(marks_sum), sum(marks_square_sum), sum(marks_total_sum),
       sum(chose_a), sum(chose_b), sum(chose_c), sum(chose_d), sum(chose_other), sum(omitted)
     FROM statistics_item_country_rollup GROUP BY 1, 2, 3, 4`,
  );
}
