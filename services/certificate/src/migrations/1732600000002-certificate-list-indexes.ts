import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The staff list filters by status or exam and sorts newest first: one index per filter + sort. */
export class CertificateListIndexes1732600000002 implements MigrationInterface {
  name = 'CertificateListIndexes1732600000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "IDX_certificate_status_created" ON "certificate" ("status", "created_at", "id")`,
    );
    await q.query(
      `CREATE INDEX "IDX_certificate_exam_created" ON "certificate" ("exam_code", "created_at", "id")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_certificate_exam_created"`);
    await q.query(`DROP INDEX "IDX_certificate_status_created"`);
  }
}
