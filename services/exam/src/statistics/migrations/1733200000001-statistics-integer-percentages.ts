import type { MigrationInterface, QueryRunner } from 'typeorm';

// Score rollups keyed by the percentage in hundredths (integer) instead of numeric(5,2), and the
// group rollup's sums as exact bigints: grouping, sorting and bucketing integers is several times
// faster at a million sittings. The rollups are rebuilt from the facts, which are unchanged.
export class StatisticsIntegerPercentages1733200000001 implements MigrationInterface {
  name = 'StatisticsIntegerPercentages1733200000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "statistics_score_rollup"`);
    await queryRunner.query(`DROP TABLE "statistics_monthly_score_rollup"`);
    await queryRunner.query(`DROP TABLE "statistics_group_rollup"`);
    await queryRunner.query(
      `CREATE TABLE "statistics_score_rollup" ("exam_code" text NOT NULL, "language" text NOT NULL, "country" text NOT NULL, "ato_key" text NOT NULL, "session_kind" text NOT NULL, "form_id" text NOT NULL, "month" date NOT NULL, "percentage_hundredths" integer NOT NULL, "sittings" integer NOT NULL, "passed" integer NOT NULL, "trainer_eligible" integer NOT NULL, CONSTRAINT "PK_b9cb9ab8b7b6fc5e82812bcb5de" PRIMARY KEY ("exam_code", "language", "country", "ato_key", "session_kind", "form_id", "month", "percentage_hundredths"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "statistics_monthly_score_rollup" ("exam_code" text NOT NULL, "language" text NOT NULL, "month" date NOT NULL, "percentage_hundredths" integer NOT NULL, "sittings" integer NOT NULL, "passed" integer NOT NULL, "trainer_eligible" integer NOT NULL, CONSTRAINT "PK_ac970a69b2b0aeaaa1cb4525abc" PRIMARY KEY ("exam_code", "language", "month", "percentage_hundredths"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "statistics_group_rollup" ("exam_code" text NOT NULL, "language" text NOT NULL, "country" text NOT NULL, "ato_key" text NOT NULL, "session_kind" text NOT NULL, "form_id" text NOT NULL, "month" date NOT NULL, "sittings" integer NOT NULL, "passed" integer NOT NULL, "trainer_eligible" integer NOT NULL, "percentage_hundredths_sum" bigint NOT NULL, "percentage_hundredths_square_sum" bigint NOT NULL, CONSTRAINT "PK_3a84081f2bb71e15c27fe750c69" PRIMARY KEY ("exam_code", "language", "country", "ato_key", "session_kind", "form_id", "month"))`,
    );
    await queryRunner.query(
      `INSERT INTO statistics_score_rollup (exam_code, language, country, ato_key, session_kind, form_id, month, percentage_hundredths, sittings, passed, trainer_eligible)
       SELECT exam_code, language, country, coalesce(ato_id, ''), session_kind, form_id, sat_month, (percentage * 100)::int,
         count(*), count(*) FILTER (WHERE passed), count(*) FILTER (WHERE trainer_eligible)
       FROM statistics_result_fact GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
    );
    await queryRunner.query(
      `INSERT INTO statistics_monthly_score_rollup (exam_code, language, month, percentage_hundredths, sittings, passed, trainer_eligible)
       SELECT exam_code, language, month, percentage_hundredths, sum(sittings), sum(passed), sum(trainer_eligible)
       FROM statistics_score_rollup GROUP BY 1, 2, 3, 4`,
    );
    await queryRunner.query(
      `INSERT INTO statistics_group_rollup (exam_code, language, country, ato_key, session_kind, form_id, month,
         sittings, passed, trainer_eligible, percentage_hundredths_sum, percentage_hundredths_square_sum)
       SELECT exam_code, language, country, ato_key, session_kind, form_id, month, sum(sittings), sum(passed), sum(trainer_eligible),
         sum(sittings::bigint * percentage_hundredths), sum(sittings::bigint * percentage_hundredths * percentage_hundredths)
       FROM statistics_score_rollup GROUP BY 1, 2, 3, 4, 5, 6, 7`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "statistics_score_rollup"`);
    await queryRunner.query(`DROP TABLE "statistics_monthly_score_rollup"`);
    await queryRunner.query(`DROP TABLE "statistics_group_rollup"`);
    await queryRunner.query(
      `CREATE TABLE "statistics_score_rollup" ("exam_code" text NOT NULL, "language" text NOT NULL, "country" text NOT NULL, "ato_key" text NOT NULL, "session_kind" text NOT NULL, "form_id" text NOT NULL, "month" date NOT NULL, "percentage" numeric(5,2) NOT NULL, "sittings" integer NOT NULL, "passed" integer NOT NULL, "trainer_eligible" integer NOT NULL, CONSTRAINT "PK_a1f3d50c0744265220bfcfd824c" PRIMARY KEY ("exam_code", "language", "country", "ato_key", "session_kind", "form_id", "month", "percentage"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "statistics_monthly_score_rollup" ("exam_code" text NOT NULL, "language" text NOT NULL, "month" date NOT NULL, "percentage" numeric(5,2) NOT NULL, "sittings" integer NOT NULL, "passed" integer NOT NULL, "trainer_eligible" integer NOT NULL, CONSTRAINT "PK_56f98ef95ca9aa7ea5af0abd309" PRIMARY KEY ("exam_code", "language", "month", "percentage"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "statistics_group_rollup" ("exam_code" text NOT NULL, "language" text NOT NULL, "country" text NOT NULL, "ato_key" text NOT NULL, "session_kind" text NOT NULL, "form_id" text NOT NULL, "month" date NOT NULL, "sittings" integer NOT NULL, "passed" integer NOT NULL, "trainer_eligible" integer NOT NULL, "percentage_sum" numeric(14,2) NOT NULL, "percentage_square_sum" numeric(20,4) NOT NULL, CONSTRAINT "PK_3a84081f2bb71e15c27fe750c69" PRIMARY KEY ("exam_code", "language", "country", "ato_key", "session_kind", "form_id", "month"))`,
    );
    // the numeric rollups are refilled by rebuildRollups, not here
  }
}
