import type { MigrationInterface, QueryRunner } from 'typeorm';

// Generated from the statistics entities (TypeORM schema builder) and reviewed. The tables do not
// reference exam's own tables: facts arrive through recordReleasedResult.
export class StatisticsTables1733200000000 implements MigrationInterface {
  name = 'StatisticsTables1733200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "statistics_result_fact" ("sitting_id" text NOT NULL, "exam_code" text NOT NULL, "language" text NOT NULL, "country" text NOT NULL, "ato_id" text, "session_kind" text NOT NULL, "form_id" text NOT NULL, "sat_on" date NOT NULL, "sat_month" date NOT NULL, "score" numeric(7,2) NOT NULL, "max_score" numeric(7,2) NOT NULL, "percentage" numeric(5,2) NOT NULL, "passed" boolean NOT NULL, "trainer_eligible" boolean NOT NULL, "item_marks" smallint array NOT NULL, "item_max_marks" smallint array NOT NULL, "item_options" smallint array NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d7f5bf5d9a838cdaa1909bfde25" PRIMARY KEY ("sitting_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_statistics_result_fact_exam_month" ON "statistics_result_fact" ("exam_code", "sat_month")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_statistics_result_fact_form_month" ON "statistics_result_fact" ("form_id", "sat_month")`,
    );
    await queryRunner.query(
      `CREATE TABLE "statistics_score_rollup" ("exam_code" text NOT NULL, "language" text NOT NULL, "country" text NOT NULL, "ato_key" text NOT NULL, "session_kind" text NOT NULL, "form_id" text NOT NULL, "month" date NOT NULL, "percentage" numeric(5,2) NOT NULL, "sittings" integer NOT NULL, "passed" integer NOT NULL, "trainer_eligible" integer NOT NULL, CONSTRAINT "PK_a1f3d50c0744265220bfcfd824c" PRIMARY KEY ("exam_code", "language", "country", "ato_key", "session_kind", "form_id", "month", "percentage"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "statistics_monthly_score_rollup" ("exam_code" text NOT NULL, "language" text NOT NULL, "month" date NOT NULL, "percentage" numeric(5,2) NOT NULL, "sittings" integer NOT NULL, "passed" integer NOT NULL, "trainer_eligible" integer NOT NULL, CONSTRAINT "PK_56f98ef95ca9aa7ea5af0abd309" PRIMARY KEY ("exam_code", "language", "month", "percentage"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "statistics_group_rollup" ("exam_code" text NOT NULL, "language" text NOT NULL, "country" text NOT NULL, "ato_key" text NOT NULL, "session_kind" text NOT NULL, "form_id" text NOT NULL, "month" date NOT NULL, "sittings" integer NOT NULL, "passed" integer NOT NULL, "trainer_eligible" integer NOT NULL, "percentage_sum" numeric(14,2) NOT NULL, "percentage_square_sum" numeric(20,4) NOT NULL, CONSTRAINT "PK_3a84081f2bb71e15c27fe750c69" PRIMARY KEY ("exam_code", "language", "country", "ato_key", "session_kind", "form_id", "month"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "statistics_form_rollup" ("form_id" text NOT NULL, "language" text NOT NULL, "month" date NOT NULL, "exam_code" text NOT NULL, "sittings" integer NOT NULL, "score_sum" numeric(14,2) NOT NULL, "score_square_sum" numeric(20,4) NOT NULL, CONSTRAINT "PK_f7789b1918c67dd2da1575a6482" PRIMARY KEY ("form_id", "language", "month"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "statistics_item_rollup" ("form_id" text NOT NULL, "language" text NOT NULL, "month" date NOT NULL, "item_number" smallint NOT NULL, "max_marks" smallint NOT NULL, "responses" integer NOT NULL, "marks_sum" bigint NOT NULL, "marks_square_sum" bigint NOT NULL, "marks_total_sum" numeric(20,2) NOT NULL, "chose_a" integer NOT NULL, "chose_b" integer NOT NULL, "chose_c" integer NOT NULL, "chose_d" integer NOT NULL, "chose_other" integer NOT NULL, "omitted" integer NOT NULL, CONSTRAINT "PK_c4ad19fd5879e5c403999363520" PRIMARY KEY ("form_id", "language", "month", "item_number"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "statistics_item_rollup"`);
    await queryRunner.query(`DROP TABLE "statistics_form_rollup"`);
    await queryRunner.query(`DROP TABLE "statistics_group_rollup"`);
    await queryRunner.query(`DROP TABLE "statistics_monthly_score_rollup"`);
    await queryRunner.query(`DROP TABLE "statistics_score_rollup"`);
    await queryRunner.query(`DROP INDEX "public"."ix_statistics_result_fact_form_month"`);
    await queryRunner.query(`DROP INDEX "public"."ix_statistics_result_fact_exam_month"`);
    await queryRunner.query(`DROP TABLE "statistics_result_fact"`);
  }
}
