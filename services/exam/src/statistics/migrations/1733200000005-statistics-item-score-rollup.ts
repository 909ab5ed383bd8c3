import type { MigrationInterface, QueryRunner } from 'typeorm';

// The strata of Mantel-Haenszel DIF (right answers per question per total score, per form and
// language / country / session kind), filled from the facts in one pass over their item arrays.
export class StatisticsItemScoreRollup1733200000005 implements MigrationInterface {
  name = 'StatisticsItemScoreRollup1733200000005';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "statistics_item_score_rollup" ("form_id" text NOT NULL, "grouping" text NOT NULL, "group_value" text NOT NULL, "total_score" smallint NOT NULL, "item_number" smallint NOT NULL, "sittings" integer NOT NULL, "correct" integer NOT NULL, "key_sum" integer NOT NULL, CONSTRAINT "PK_statistics_item_score_rollup" PRIMARY KEY ("form_id", "grouping", "group_value", "total_score", "item_number"))`,
    );
    await queryRunner.query(ITEM_SCORE_ROLLUP_FROM_FACTS);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "statistics_item_score_rollup"`);
  }
}

/** Also what rebuildRollups runs: per (form, grouping, value, total score, question), from the facts. */
export const ITEM_SCORE_ROLLUP_FROM_FACTS = `
  INSERT INTO statistics_item_score_rollup (form_id, grouping, group_value, total_score, item_number, sittings, correct, key_sum)
  SELECT form_id, g.grouping, g.value, total_score, item_number, count(*), count(*) FILTER (WHERE marks = 1),
    (sum(record_key::int8) % 2147483648)::int
  FROM (
    SELECT f.form_id, f.country, f.session_kind, round(f.score)::int AS total_score, f.record_key, u.item_number, u.marks
    FROM statistics_result_fact f, unnest(f.item_marks, f.item_max_marks) WITH ORDINALITY AS u(marks, max_marks, item_number)
    WHERE u.max_marks = 1
  ) r,
  LATERAL (VALUES ('LANGUAGE', ''), ('COUNTRY', r.country), ('SESSION_KIND', r.session_kind)) AS g(grouping, value)
  GROUP BY 1, 2, 3, 4, 5`;
