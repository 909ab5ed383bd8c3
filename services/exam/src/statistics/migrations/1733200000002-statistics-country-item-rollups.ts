import type { MigrationInterface, QueryRunner } from 'typeorm';

// Item analysis filtered by country from rollups instead of the facts: the form and item rollups
// again per country (beside the country-less ones, which stay the fast path without a country
// filter), filled from the facts; and an index on the facts for ATO filters. Generated from the
// entities (TypeORM schema builder) and reviewed.
export class StatisticsCountryItemRollups1733200000002 implements MigrationInterface {
  name = 'StatisticsCountryItemRollups1733200000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "statistics_form_country_rollup" ("form_id" text NOT NULL, "language" text NOT NULL, "country" text NOT NULL, "month" date NOT NULL, "exam_code" text NOT NULL, "sittings" integer NOT NULL, "score_sum" numeric(14,2) NOT NULL, "score_square_sum" numeric(20,4) NOT NULL, CONSTRAINT "PK_a81cb8950a491ef1f686083905e" PRIMARY KEY ("form_id", "language", "country", "month"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "statistics_item_country_rollup" ("form_id" text NOT NULL, "language" text NOT NULL, "country" text NOT NULL, "month" date NOT NULL, "item_number" smallint NOT NULL, "max_marks" smallint NOT NULL, "responses" integer NOT NULL, "marks_sum" bigint NOT NULL, "marks_square_sum" bigint NOT NULL, "marks_total_sum" numeric(20,2) NOT NULL, "chose_a" integer NOT NULL, "chose_b" integer NOT NULL, "chose_c" integer NOT NULL, "chose_d" integer NOT NULL, "chose_other" integer NOT NULL, "omitted" integer NOT NULL, CONSTRAINT "PK_e0d4d8d877d044c1bc89e49c150" PRIMARY KEY ("form_id", "language", "country", "month", "item_number"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_statistics_result_fact_form_ato" ON "statistics_result_fact" ("form_id", "ato_id")`,
    );
    await queryRunner.query(
      `INSERT INTO statistics_form_country_rollup (form_id, language, country, month, exam_code, sittings, score_sum, score_square_sum)
       SELECT form_id, language, country, sat_month, min(exam_code), count(*), sum(score), sum(score * score)
       FROM statistics_result_fact GROUP BY 1, 2, 3, 4`,
    );
    await queryRunner.query(
      `INSERT INTO statistics_item_country_rollup (form_id, language, country, month, item_number, max_marks, responses, marks_sum, marks_square_sum,
         marks_total_sum, chose_a, chose_b, chose_c, chose_d, chose_other, omitted)
       SELECT f.form_id, f.language, f.country, f.sat_month, u.item_number, max(u.max_marks), count(*), sum(u.marks), sum(u.marks * u.marks),
         sum(u.marks * f.score), count(*) FILTER (WHERE u.option = 1), count(*) FILTER (WHERE u.option = 2), count(*) FILTER (WHERE u.option = 3),
         count(*) FILTER (WHERE u.option = 4), count(*) FILTER (WHERE u.option = 5), count(*) FILTER (WHERE u.option = 0)
       FROM statistics_result_fact f,
         unnest(f.item_marks, f.item_max_marks, f.item_options) WITH ORDINALITY AS u(marks, max_marks, option, item_number)
       GROUP BY 1, 2, 3, 4, 5`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_statistics_result_fact_form_ato"`);
    await queryRunner.query(`DROP TABLE "statistics_item_country_rollup"`);
    await queryRunner.query(`DROP TABLE "statistics_form_country_rollup"`);
  }
}
