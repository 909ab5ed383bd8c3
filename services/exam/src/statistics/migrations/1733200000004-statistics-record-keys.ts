import type { MigrationInterface, QueryRunner } from 'typeorm';

// Cell-key perturbation (domain/perturbation.ts): a random record key per released sitting, and the
// sum of those keys (modulo 2^31) in the rollups that published counts come from. Existing facts
// draw their key from gen_random_uuid() (a strong random source, built into PostgreSQL 13+); the
// rollups' key sums are then computed from the facts.
export class StatisticsRecordKeys1733200000004 implements MigrationInterface {
  name = 'StatisticsRecordKeys1733200000004';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "statistics_result_fact" ADD "record_key" integer`);
    await queryRunner.query(
      `UPDATE statistics_result_fact SET record_key = (('x' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 8))::bit(32)::int & 2147483647)`,
    );
    await queryRunner.query(`ALTER TABLE "statistics_result_fact" ALTER COLUMN "record_key" SET NOT NULL`);
    for (const table of [
      'statistics_group_rollup',
      'statistics_form_rollup',
      'statistics_form_country_rollup',
    ]) {
      await queryRunner.query(`ALTER TABLE "${table}" ADD "key_sum" integer NOT NULL DEFAULT 0`);
      await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "key_sum" DROP DEFAULT`);
    }
    await queryRunner.query(
      `UPDATE statistics_group_rollup r SET key_sum = k.key_sum
       FROM (SELECT exam_code, language, country, coalesce(ato_id, '') AS ato_key, session_kind, form_id, sat_month,
               (sum(record_key) % 2147483648)::int AS key_sum
             FROM statistics_result_fact GROUP BY 1, 2, 3, 4, 5, 6, 7) k
       WHERE r.exam_code = k.exam_code AND r.language = k.language AND r.country = k.country AND r.ato_key = k.ato_key
         AND r.session_kind = k.session_kind AND r.form_id = k.form_id AND r.month = k.sat_month`,
    );
    await queryRunner.query(
      `UPDATE statistics_form_country_rollup r SET key_sum = k.key_sum
       FROM (SELECT form_id, language, country, sat_month, (sum(record_key) % 2147483648)::int AS key_sum
             FROM statistics_result_fact GROUP BY 1, 2, 3, 4) k
       WHERE r.form_id = k.form_id AND r.language = k.language AND r.country = k.country AND r.month = k.sat_month`,
    );
    await queryRunner.query(
      `UPDATE statistics_form_rollup r SET key_sum = k.key_sum
       FROM (SELECT form_id, language, month, (sum(key_sum::int8) % 2147483648)::int AS key_sum
             FROM statistics_form_country_rollup GROUP BY 1, 2, 3) k
       WHERE r.form_id = k.form_id AND r.language = k.language AND r.month = k.month`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'statistics_form_country_rollup',
      'statistics_form_rollup',
      'statistics_group_rollup',
    ]) {
      await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "key_sum"`);
    }
    await queryRunner.query(`ALTER TABLE "statistics_result_fact" DROP COLUMN "record_key"`);
  }
}
