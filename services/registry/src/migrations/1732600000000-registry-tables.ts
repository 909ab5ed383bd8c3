import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The registry's tables. The column and index statements are those TypeORM derives from the
 * entities (the schema-drift check compares them); the extensions, registry_fold() and the trigram
 * index are the parts TypeORM cannot express.
 */
export class RegistryTables1732600000000 implements MigrationInterface {
  name = 'RegistryTables1732600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Fuzzy name search: trigrams over names folded to lower case without accents.
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public`);
    // unaccent() is only STABLE (its dictionary could change); pinning the dictionary makes the
    // wrapper safe to declare IMMUTABLE, which an expression index requires.
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION public.registry_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT ` +
        `AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$`,
    );
    await queryRunner.query(
      `CREATE TABLE "certified_organization" ("id" uuid NOT NULL, "legal_name" text NOT NULL, "other_names" jsonb NOT NULL, "country" text NOT NULL, "address" jsonb NOT NULL, "public_listing" boolean NOT NULL, "search_text" text NOT NULL, "sort_name" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_certified_organization" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_certified_organization_country" ON "certified_organization" ("country", "sort_name", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_certified_organization_listing_name" ON "certified_organization" ("public_listing", "sort_name", "id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "organization_certification" ("id" uuid NOT NULL, "organization_id" uuid NOT NULL, "rcb_id" uuid NOT NULL, "certificate_number" text NOT NULL, "standard" text NOT NULL, "scope" text NOT NULL, "sites" jsonb NOT NULL, "original_issue_date" date NOT NULL, "cycle_start" date NOT NULL, "expiry" date NOT NULL, "surveillance_audits" jsonb NOT NULL, "status" text NOT NULL, "status_reason" text, "suspended_on" date, "suspended_until" date, "version" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "uq_organization_certification_number" UNIQUE ("rcb_id", "certificate_number"), CONSTRAINT "pk_organization_certification" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_organization_certification_status_expiry" ON "organization_certification" ("status", "expiry")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_organization_certification_rcb_status" ON "organization_certification" ("rcb_id", "status")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_organization_certification_organization" ON "organization_certification" ("organization_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_organization_certification_number" ON "organization_certification" ("certificate_number")`,
    );
    await queryRunner.query(
      `CREATE TABLE "certification_history" ("id" uuid NOT NULL, "certification_id" uuid NOT NULL, "version" integer NOT NULL, "change" text NOT NULL, "status" text NOT NULL, "previous_status" text, "rcb_id" uuid NOT NULL, "previous_rcb_id" uuid, "certificate_number" text NOT NULL, "effective_on" date NOT NULL, "reason" text, "changed_fields" jsonb NOT NULL, "snapshot" jsonb NOT NULL, "actor" text NOT NULL, "request_id" text, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "uq_certification_history_version" UNIQUE ("certification_id", "version"), CONSTRAINT "pk_certification_history" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_certification_history_rcb" ON "certification_history" ("rcb_id", "certification_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_certification_history_number" ON "certification_history" ("certificate_number", "effective_on")`,
    );
    await queryRunner.query(
      `CREATE TABLE "idempotency_record" ("rcb_id" uuid NOT NULL, "key" text NOT NULL, "operation" text NOT NULL, "request_hash" text NOT NULL, "response" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_idempotency_record" PRIMARY KEY ("rcb_id", "key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "rcb" ("id" uuid NOT NULL, "name" text NOT NULL, "status" text NOT NULL, "status_reason" text, "status_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_rcb" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "organization_certification" ADD CONSTRAINT "fk_organization_certification_organization" FOREIGN KEY ("organization_id") REFERENCES "certified_organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "certification_history" ADD CONSTRAINT "fk_certification_history_certification" FOREIGN KEY ("certification_id") REFERENCES "organization_certification"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_certified_organization_search_trgm" ON "certified_organization" USING gin (public.registry_fold("search_text") gin_trgm_ops)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "idempotency_record"`);
    await queryRunner.query(`DROP TABLE "certification_history"`);
    await queryRunner.query(`DROP TABLE "organization_certification"`);
    await queryRunner.query(`DROP TABLE "certified_organization"`);
    await queryRunner.query(`DROP TABLE "rcb"`);
    await queryRunner.query(`DROP FUNCTION public.registry_fold(text)`);
  }
}
