import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Per-RCB freshness of the registry's data: when its integration last changed its certifications,
 * when it last confirmed them current, and the later of the two. Backfilled from the history (the
 * changes made by RCB credentials), so an RCB active before this migration is not shown as never.
 */
export class RcbDataFreshness1764900000002 implements MigrationInterface {
  name = 'RcbDataFreshness1764900000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "rcb" ADD "last_data_change_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "rcb" ADD "last_confirmed_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "rcb" ADD "last_confirmed_by" text`);
    await queryRunner.query(`ALTER TABLE "rcb" ADD "data_as_of" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`CREATE INDEX "ix_rcb_data_as_of" ON "rcb" ("data_as_of", "id")`);
    await queryRunner.query(
      `UPDATE "rcb" r SET "last_data_change_at" = h."at", "data_as_of" = h."at"
       FROM (SELECT "rcb_id", max("recorded_at") AS "at" FROM "certification_history"
             WHERE "actor" LIKE 'credential:%' GROUP BY "rcb_id") h
       WHERE h."rcb_id" = r."id"`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_rcb_data_as_of"`);
    await queryRunner.query(`ALTER TABLE "rcb" DROP COLUMN "data_as_of"`);
    await queryRunner.query(`ALTER TABLE "rcb" DROP COLUMN "last_confirmed_by"`);
    await queryRunner.query(`ALTER TABLE "rcb" DROP COLUMN "last_confirmed_at"`);
    await queryRunner.query(`ALTER TABLE "rcb" DROP COLUMN "last_data_change_at"`);
  }
}
