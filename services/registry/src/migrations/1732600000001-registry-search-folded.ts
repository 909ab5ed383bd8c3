import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Faster fuzzy search, and a bound on stored idempotency keys.
 *
 * - search_folded: search_text folded once when written (by a trigger, so registry_fold() stays the
 *   one definition of folding) instead of unaccent() per row at query time, which made a search
 *   re-check thousands of rows at ~50 µs each.
 * - The trigram index moves to that column and from GIN to GiST: GiST also serves ORDER BY distance
 *   (<->>), so the best matches are read straight from the index instead of ranking every match of
 *   a common word.
 * - idempotency_record gets an index on created_at so the scheduler can forget old keys cheaply.
 */
export class RegistrySearchFolded1732600000001 implements MigrationInterface {
  name = 'RegistrySearchFolded1732600000001';

  // Safe on a database where an earlier version of RegistryTables already created some of this
  // (development and benchmark databases): hence IF [NOT] EXISTS.
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "certified_organization" ADD COLUMN IF NOT EXISTS "search_folded" text`,
    );
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION public.registry_fold_search_text() RETURNS trigger LANGUAGE plpgsql AS $$ ` +
        `BEGIN NEW.search_folded := public.registry_fold(NEW.search_text); RETURN NEW; END $$`,
    );
    await queryRunner.query(
      `DROP TRIGGER IF EXISTS "certified_organization_fold_search_text" ON "certified_organization"`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "certified_organization_fold_search_text" BEFORE INSERT OR UPDATE OF "search_text" ON "certified_organization" ` +
        `FOR EACH ROW EXECUTE FUNCTION public.registry_fold_search_text()`,
    );
    await queryRunner.query(
      `UPDATE "certified_organization" SET "search_folded" = public.registry_fold("search_text")`,
    );
    await queryRunner.query(`ALTER TABLE "certified_organization" ALTER COLUMN "search_folded" SET NOT NULL`);
    await queryRunner.query(`DROP INDEX IF EXISTS "ix_certified_organization_search_trgm"`);
    await queryRunner.query(
      `CREATE INDEX "ix_certified_organization_search_trgm" ON "certified_organization" USING gist ("search_folded" gist_trgm_ops)`,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "ix_idempotency_record_created" ON "idempotency_record" ("created_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_idempotency_record_created"`);
    await queryRunner.query(`DROP INDEX "ix_certified_organization_search_trgm"`);
    await queryRunner.query(
      `CREATE INDEX "ix_certified_organization_search_trgm" ON "certified_organization" USING gin (public.registry_fold("search_text") gin_trgm_ops)`,
    );
    await queryRunner.query(
      `DROP TRIGGER "certified_organization_fold_search_text" ON "certified_organization"`,
    );
    await queryRunner.query(`DROP FUNCTION public.registry_fold_search_text()`);
    await queryRunner.query(`ALTER TABLE "certified_organization" DROP COLUMN "search_folded"`);
  }
}
