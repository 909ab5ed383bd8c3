import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The rule engine's flags (open ones indexed for the RCB worklist by urgency) and the ledger of
 * daily jobs' completed days. The statements are those TypeORM derives from the entities.
 */
export class CertificationFlags1764900000001 implements MigrationInterface {
  name = 'CertificationFlags1764900000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "certification_flag" ("id" uuid NOT NULL, "certification_id" uuid NOT NULL, "rcb_id" uuid NOT NULL, "rule" text NOT NULL, "due_on" date NOT NULL, "explanation" text NOT NULL, "cleared_by" text NOT NULL, "raised_on" date NOT NULL, "evaluated_on" date NOT NULL, "cleared_on" date, CONSTRAINT "uq_certification_flag" UNIQUE ("certification_id", "rule", "due_on"), CONSTRAINT "pk_certification_flag" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_certification_flag_open" ON "certification_flag" ("certification_id") WHERE "cleared_on" IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_certification_flag_worklist" ON "certification_flag" ("rcb_id", "due_on", "certification_id", "rule") WHERE "cleared_on" IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "registry_job_day" ("job" text NOT NULL, "day" date NOT NULL, "completed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "result" jsonb NOT NULL, CONSTRAINT "pk_registry_job_day" PRIMARY KEY ("job", "day"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "certification_flag" ADD CONSTRAINT "fk_certification_flag_certification" FOREIGN KEY ("certification_id") REFERENCES "organization_certification"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "registry_job_day"`);
    await queryRunner.query(`DROP TABLE "certification_flag"`);
  }
}
