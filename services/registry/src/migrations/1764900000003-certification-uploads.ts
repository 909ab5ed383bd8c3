import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** RCB file uploads: the job, its file in chunks, and its per-row results (those TypeORM derives from the entities). */
export class CertificationUploads1764900000003 implements MigrationInterface {
  name = 'CertificationUploads1764900000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "certification_upload" ("id" uuid NOT NULL, "rcb_id" uuid NOT NULL, "actor" text NOT NULL, "file_name" text NOT NULL, "format" text NOT NULL, "dry_run" boolean NOT NULL, "size_bytes" integer NOT NULL, "sha256" text NOT NULL, "received_bytes" integer NOT NULL, "chunk_count" integer NOT NULL, "status" text NOT NULL, "rows_processed" integer NOT NULL, "bytes_processed" integer NOT NULL, "created" integer NOT NULL, "updated" integer NOT NULL, "unchanged" integer NOT NULL, "rejected" integer NOT NULL, "error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "submitted_at" TIMESTAMP WITH TIME ZONE, "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_certification_upload" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_certification_upload_status" ON "certification_upload" ("status", "submitted_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_certification_upload_rcb" ON "certification_upload" ("rcb_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "certification_upload_chunk" ("upload_id" uuid NOT NULL, "index" integer NOT NULL, "data" bytea NOT NULL, "sha256" text NOT NULL, CONSTRAINT "pk_certification_upload_chunk" PRIMARY KEY ("upload_id", "index"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "certification_upload_result" ("upload_id" uuid NOT NULL, "row" integer NOT NULL, "certificate_number" text NOT NULL, "outcome" text NOT NULL, "error_code" text, "reasons" jsonb NOT NULL, "certification_id" uuid, "changed_fields" jsonb NOT NULL, CONSTRAINT "pk_certification_upload_result" PRIMARY KEY ("upload_id", "row"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "certification_upload_chunk" ADD CONSTRAINT "fk_certification_upload_chunk_upload" FOREIGN KEY ("upload_id") REFERENCES "certification_upload"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "certification_upload_result" ADD CONSTRAINT "fk_certification_upload_result_upload" FOREIGN KEY ("upload_id") REFERENCES "certification_upload"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "certification_upload_result"`);
    await queryRunner.query(`DROP TABLE "certification_upload_chunk"`);
    await queryRunner.query(`DROP TABLE "certification_upload"`);
  }
}
