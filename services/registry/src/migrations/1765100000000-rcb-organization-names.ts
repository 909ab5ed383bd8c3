import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * One RCB's organizations in name order, from an index: each certification carries its
 * organization's sort_name (kept by triggers, as search_folded is), indexed with the RCB. A search
 * within one RCB whose page is the first names that match (a tie at distance 0) then reads about a
 * page of the RCB's certifications in name order instead of looking up every organization of the
 * RCB by id and sorting them (2,000 organizations: ~4 ms of index lookups and a sort on every search).
 *
 * Outside a transaction, so that a large registry keeps taking writes while it runs: the backfill
 * commits in batches of the primary key, NOT NULL is proven by a constraint validated without
 * blocking writes, and the index is built CONCURRENTLY (in one transaction, 1,000,000
 * certifications blocked writes for 65 s). Every step can run again after an interruption.
 */
export class RcbOrganizationNames1765100000000 implements MigrationInterface {
  name = 'RcbOrganizationNames1765100000000';
  transaction = false;
  /** Certifications per backfill statement (a test sets it small). */
  batchSize = 10_000;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "organization_certification" ADD COLUMN IF NOT EXISTS "organization_sort_name" text`,
    );
    // The triggers first: what is written during the backfill is named as it is written.
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION public.registry_certification_organization_name() RETURNS trigger LANGUAGE plpgsql AS $$ ` +
        `BEGIN NEW.organization_sort_name := (SELECT o.sort_name FROM certified_organization o WHERE o.id = NEW.organization_id); RETURN NEW; END $$`,
    );
    await queryRunner.query(
      `DROP TRIGGER IF EXISTS "organization_certification_organization_name" ON "organization_certification"`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "organization_certification_organization_name" BEFORE INSERT OR UPDATE OF "organization_id" ON "organization_certification" ` +
        `FOR EACH ROW EXECUTE FUNCTION public.registry_certification_organization_name()`,
    );
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION public.registry_organization_renamed() RETURNS trigger LANGUAGE plpgsql AS $$ ` +
        `BEGIN UPDATE organization_certification SET organization_sort_name = NEW.sort_name WHERE organization_id = NEW.id; RETURN NULL; END $$`,
    );
    await queryRunner.query(
      `DROP TRIGGER IF EXISTS "certified_organization_renamed" ON "certified_organization"`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "certified_organization_renamed" AFTER UPDATE OF "sort_name" ON "certified_organization" ` +
        `FOR EACH ROW WHEN (OLD.sort_name IS DISTINCT FROM NEW.sort_name) EXECUTE FUNCTION public.registry_organization_renamed()`,
    );
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const [batch] = (await queryRunner.query(
        `SELECT id::text AS last FROM (SELECT id FROM "organization_certification" WHERE id > $1 ORDER BY id LIMIT ${Math.trunc(this.batchSize)}) b ORDER BY id DESC LIMIT 1`,
        [after],
      )) as { last: string | null }[];
      if (!batch?.last) break;
      await queryRunner.query(
        `UPDATE "organization_certification" c SET "organization_sort_name" = o."sort_name" FROM "certified_organization" o ` +
          `WHERE c."id" > $1 AND c."id" <= $2 AND o."id" = c."organization_id" AND c."organization_sort_name" IS DISTINCT FROM o."sort_name"`,
        [after, batch.last],
      );
      after = batch.last;
    }
    // A rename committed while a batch ran may have been overwritten by that batch's older reading.
    await queryRunner.query(
      `UPDATE "organization_certification" c SET "organization_sort_name" = o."sort_name" FROM "certified_organization" o ` +
        `WHERE o."id" = c."organization_id" AND c."organization_sort_name" IS DISTINCT FROM o."sort_name"`,
    );
    // SET NOT NULL skips its table scan (under an exclusive lock) when a validated CHECK proves it.
    await queryRunner.query(
      `ALTER TABLE "organization_certification" DROP CONSTRAINT IF EXISTS "ck_organization_certification_sort_name"`,
    );
    await queryRunner.query(
      `ALTER TABLE "organization_certification" ADD CONSTRAINT "ck_organization_certification_sort_name" CHECK ("organization_sort_name" IS NOT NULL) NOT VALID`,
    );
    await queryRunner.query(
      `ALTER TABLE "organization_certification" VALIDATE CONSTRAINT "ck_organization_certification_sort_name"`,
    );
    await queryRunner.query(
      `ALTER TABLE "organization_certification" ALTER COLUMN "organization_sort_name" SET NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "organization_certification" DROP CONSTRAINT "ck_organization_certification_sort_name"`,
    );
    // An interrupted concurrent build leaves an invalid index of that name behind: built again.
    const [invalid] = (await queryRunner.query(
      `SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_organization_certification_rcb_name' AND NOT i.indisvalid`,
    )) as unknown[];
    if (invalid)
      await queryRunner.query(`DROP INDEX CONCURRENTLY "public"."ix_organization_certification_rcb_name"`);
    await queryRunner.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS "ix_organization_certification_rcb_name" ON "organization_certification" ("rcb_id", "organization_sort_name", "organization_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "public"."ix_organization_certification_rcb_name"`);
    await queryRunner.query(
      `DROP TRIGGER IF EXISTS "certified_organization_renamed" ON "certified_organization"`,
    );
    await queryRunner.query(`DROP FUNCTION IF EXISTS public.registry_organization_renamed()`);
    await queryRunner.query(
      `DROP TRIGGER IF EXISTS "organization_certification_organization_name" ON "organization_certification"`,
    );
    await queryRunner.query(`DROP FUNCTION IF EXISTS public.registry_certification_organization_name()`);
    await queryRunner.query(
      `ALTER TABLE "organization_certification" DROP COLUMN IF EXISTS "organization_sort_name"`,
    );
  }
}
