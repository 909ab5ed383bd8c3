import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The verification budgets now live in service-kit's rate_limit_bucket with every other budget.
 * Buckets are disposable (a crash empties an UNLOGGED table anyway): they are not copied.
 */
export class SharedRateLimitBuckets1764700000001 implements MigrationInterface {
  name = 'SharedRateLimitBuckets1764700000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "verification_rate_limit"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE UNLOGGED TABLE "verification_rate_limit" ("client_key" text NOT NULL, "theoretical_arrival_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_verification_rate_limit" PRIMARY KEY ("client_key"))`,
    );
  }
}
