import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Reference data: the scheme's price for a paper certificate, GBP 12.00, also for a lost one. */
export class HardCopyPrices1732600000001 implements MigrationInterface {
  name = 'HardCopyPrices1732600000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO "hard_copy_price" ("kind", "amount_minor", "currency") VALUES ('ORIGINAL', 1200, 'GBP'), ('REPLACEMENT', 1200, 'GBP')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "hard_copy_price" WHERE "kind" IN ('ORIGINAL', 'REPLACEMENT')`);
  }
}
