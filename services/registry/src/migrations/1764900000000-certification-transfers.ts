import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Transfers between RCBs (IAF MD 2), their one-time authorization codes, and the transfer deadline
 * of a withdrawn RCB's certifications. The statements are those TypeORM derives from the entities,
 * plus the partial unique index (one open transfer per certification) TypeORM cannot express.
 */
export class CertificationTransfers1764900000000 implements MigrationInterface {
  name = 'CertificationTransfers1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "certification_transfer" ("id" uuid NOT NULL, "certification_id" uuid NOT NULL, "certificate_number" text NOT NULL, "from_rcb_id" uuid NOT NULL, "to_rcb_id" uuid NOT NULL, "new_certificate_number" text, "status" text NOT NULL, "review" jsonb NOT NULL, "reason" text, "authorization_id" uuid NOT NULL, "requested_by" text NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL, "objection_deadline" TIMESTAMP WITH TIME ZONE NOT NULL, "objection" text, "objected_by" text, "objected_at" TIMESTAMP WITH TIME ZONE, "decision_reason" text, "decided_by" text, "decided_at" TIMESTAMP WITH TIME ZONE, "outcome" text, "close_reason" text, "closed_by" text, "closed_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_certification_transfer" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_certification_transfer_certification" ON "certification_transfer" ("certification_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_certification_transfer_due" ON "certification_transfer" ("status", "objection_deadline")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_certification_transfer_to" ON "certification_transfer" ("to_rcb_id", "requested_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_certification_transfer_from" ON "certification_transfer" ("from_rcb_id", "requested_at", "id")`,
    );
    // one open transfer per certification, whatever the race between two accepting RCBs
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_certification_transfer_open" ON "certification_transfer" ("certification_id") WHERE "status" IN ('PENDING', 'OBJECTED')`,
    );
    await queryRunner.query(
      `CREATE TABLE "transfer_authorization" ("id" uuid NOT NULL, "certification_id" uuid NOT NULL, "code_hash" text NOT NULL, "issued_by" text NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "uq_transfer_authorization_code" UNIQUE ("code_hash"), CONSTRAINT "pk_transfer_authorization" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_transfer_authorization_certification" ON "transfer_authorization" ("certification_id", "issued_at")`,
    );
    await queryRunner.query(`ALTER TABLE "organization_certification" ADD "transfer_deadline" date`);
    await queryRunner.query(
      `CREATE INDEX "ix_organization_certification_transfer_deadline" ON "organization_certification" ("transfer_deadline")`,
    );
    await queryRunner.query(
      `ALTER TABLE "certification_transfer" ADD CONSTRAINT "fk_certification_transfer_certification" FOREIGN KEY ("certification_id") REFERENCES "organization_certification"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "transfer_authorization" ADD CONSTRAINT "fk_transfer_authorization_certification" FOREIGN KEY ("certification_id") REFERENCES "organization_certification"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_organization_certification_transfer_deadline"`);
    await queryRunner.query(`ALTER TABLE "organization_certification" DROP COLUMN "transfer_deadline"`);
    await queryRunner.query(`DROP TABLE "transfer_authorization"`);
    await queryRunner.query(`DROP TABLE "certification_transfer"`);
  }
}
