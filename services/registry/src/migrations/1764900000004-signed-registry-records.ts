import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Signed registry records: each certification's entry in the registry's status lists, allocated
 * once from a sequence (SERIAL numbers the existing rows as it adds the column: the backfill), and
 * the table that keeps the development signing key (production configures REGISTRY_SIGNING_KEY).
 */
export class SignedRegistryRecords1764900000004 implements MigrationInterface {
  name = 'SignedRegistryRecords1764900000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "registry_signing_key" ("id" text NOT NULL, "private_jwk" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_registry_signing_key" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "organization_certification" ADD "status_list_index" SERIAL NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "organization_certification" ADD CONSTRAINT "uq_organization_certification_status_list_index" UNIQUE ("status_list_index")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "organization_certification" DROP CONSTRAINT "uq_organization_certification_status_list_index"`,
    );
    await queryRunner.query(`ALTER TABLE "organization_certification" DROP COLUMN "status_list_index"`);
    await queryRunner.query(`DROP TABLE "registry_signing_key"`);
  }
}
