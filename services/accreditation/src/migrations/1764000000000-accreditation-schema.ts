import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** ATOs, RCBs, their history, courses, trainers, qualifications, credentials. Mirrors the entities exactly (drift check). */
export class AccreditationSchema1764000000000 implements MigrationInterface {
  name = 'AccreditationSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE "ato" ("id" uuid NOT NULL, "name" text NOT NULL, "country" text NOT NULL, "company_details" jsonb NOT NULL, "contacts" jsonb NOT NULL, "exam_levels" text array NOT NULL, "languages" text array NOT NULL, "delivery_modes" text array NOT NULL, "status" text NOT NULL, "status_reason" text, "suspended_until" date, "assessment_notes" text, "applied_at" TIMESTAMP WITH TIME ZONE NOT NULL, "status_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "delivery_format" text NOT NULL DEFAULT 'ELECTRONIC_ONLY', "delivery_recipient" text NOT NULL DEFAULT 'CANDIDATE', "delivery_address" jsonb, "logo_licensed" boolean NOT NULL DEFAULT false, "logo_valid_from" date, "logo_valid_until" date, CONSTRAINT "pk_ato" PRIMARY KEY ("id"))`,
      `CREATE INDEX "ix_ato_country_status" ON "ato" ("country", "status")`,
      `CREATE INDEX "ix_ato_status_name" ON "ato" ("status", "name", "id")`,
      `CREATE TABLE "ato_status_change" ("id" uuid NOT NULL, "ato_id" uuid NOT NULL, "from_status" text, "to_status" text NOT NULL, "reason" text, "suspended_until" date, "changed_by" text, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_ato_status_change" PRIMARY KEY ("id"))`,
      `CREATE INDEX "ix_ato_status_change_ato" ON "ato_status_change" ("ato_id", "changed_at", "id")`,
      `CREATE TABLE "trainer" ("id" uuid NOT NULL, "ato_id" uuid NOT NULL, "candidate_id" uuid NOT NULL, "name" text NOT NULL, "added_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "uq_trainer_ato_candidate" UNIQUE ("ato_id", "candidate_id"), CONSTRAINT "pk_trainer" PRIMARY KEY ("id"))`,
      `CREATE INDEX "ix_trainer_candidate" ON "trainer" ("candidate_id")`,
      `CREATE INDEX "ix_trainer_ato_name" ON "trainer" ("ato_id", "name", "id")`,
      `CREATE TABLE "course" ("id" uuid NOT NULL, "ato_id" uuid NOT NULL, "exam_code" text NOT NULL, "language" text NOT NULL, "country" text NOT NULL, "delivery_mode" text NOT NULL, "starts_on" date, "ends_on" date, "exam_included" boolean NOT NULL, "trainer_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_course" PRIMARY KEY ("id"))`,
      `CREATE INDEX "ix_course_trainer" ON "course" ("trainer_id")`,
      `CREATE INDEX "ix_course_delivery_mode" ON "course" ("delivery_mode")`,
      `CREATE INDEX "ix_course_country_exam" ON "course" ("country", "exam_code")`,
      `CREATE INDEX "ix_course_exam_language" ON "course" ("exam_code", "language")`,
      `CREATE INDEX "ix_course_ato_starts_on" ON "course" ("ato_id", "starts_on", "id")`,
      `CREATE TABLE "exam_level" ("code" text NOT NULL, "name" text NOT NULL, "self_study_allowed" boolean NOT NULL, "trainer_eligibility_percentage" numeric(5,2), "sort_order" integer NOT NULL, CONSTRAINT "pk_exam_level" PRIMARY KEY ("code"))`,
      `CREATE TABLE "exam_language" ("exam_code" text NOT NULL, "language" text NOT NULL, "display_name" text NOT NULL, CONSTRAINT "pk_exam_language" PRIMARY KEY ("exam_code", "language"))`,
      `CREATE TABLE "rcb" ("id" uuid NOT NULL, "name" text NOT NULL, "country" text NOT NULL, "company_details" jsonb NOT NULL, "contacts" jsonb NOT NULL, "national_accreditation_body" text NOT NULL, "accreditation_reference" text NOT NULL, "countries_served" text array NOT NULL, "status" text NOT NULL, "status_reason" text, "suspended_until" date, "assessment_notes" text, "applied_at" TIMESTAMP WITH TIME ZONE NOT NULL, "status_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_rcb" PRIMARY KEY ("id"))`,
      `CREATE INDEX "ix_rcb_country_status" ON "rcb" ("country", "status")`,
      `CREATE INDEX "ix_rcb_status_name" ON "rcb" ("status", "name", "id")`,
      `CREATE TABLE "rcb_credential" ("id" uuid NOT NULL, "rcb_id" uuid NOT NULL, "label" text, "secret_hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_by" text, "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_by" text, "replaces_credential_id" uuid, CONSTRAINT "pk_rcb_credential" PRIMARY KEY ("id"))`,
      `CREATE INDEX "ix_rcb_credential_rcb" ON "rcb_credential" ("rcb_id", "created_at", "id")`,
      `CREATE TABLE "rcb_status_change" ("id" uuid NOT NULL, "rcb_id" uuid NOT NULL, "from_status" text, "to_status" text NOT NULL, "reason" text, "suspended_until" date, "changed_by" text, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_rcb_status_change" PRIMARY KEY ("id"))`,
      `CREATE INDEX "ix_rcb_status_change_rcb" ON "rcb_status_change" ("rcb_id", "changed_at", "id")`,
      `CREATE TABLE "trainer_qualification" ("certificate_id" uuid NOT NULL, "certificate_number" text NOT NULL, "candidate_id" uuid NOT NULL, "holder_name" text NOT NULL, "exam_code" text NOT NULL, "percentage" numeric(5,2) NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_trainer_qualification" PRIMARY KEY ("certificate_id"))`,
      `CREATE INDEX "ix_trainer_qualification_candidate" ON "trainer_qualification" ("candidate_id")`,
      `ALTER TABLE "ato_status_change" ADD CONSTRAINT "fk_ato_status_change_ato" FOREIGN KEY ("ato_id") REFERENCES "ato"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "trainer" ADD CONSTRAINT "fk_trainer_ato" FOREIGN KEY ("ato_id") REFERENCES "ato"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "course" ADD CONSTRAINT "fk_course_ato" FOREIGN KEY ("ato_id") REFERENCES "ato"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "course" ADD CONSTRAINT "fk_course_trainer" FOREIGN KEY ("trainer_id") REFERENCES "trainer"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "exam_language" ADD CONSTRAINT "fk_exam_language_exam_level" FOREIGN KEY ("exam_code") REFERENCES "exam_level"("code") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "rcb_credential" ADD CONSTRAINT "fk_rcb_credential_rcb" FOREIGN KEY ("rcb_id") REFERENCES "rcb"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "rcb_status_change" ADD CONSTRAINT "fk_rcb_status_change_rcb" FOREIGN KEY ("rcb_id") REFERENCES "rcb"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      // Find-a-provider's name search is ILIKE '%...%': only a trigram index serves a leading wildcard.
      `CREATE EXTENSION IF NOT EXISTS pg_trgm`,
      `CREATE INDEX "ix_ato_name_trgm" ON "ato" USING gin ("name" gin_trgm_ops)`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'rcb_status_change',
      'rcb_credential',
      'rcb',
      'exam_language',
      'exam_level',
      'course',
      'trainer',
      'trainer_qualification',
      'ato_status_change',
      'ato',
    ]) {
      await queryRunner.query(`DROP TABLE "${table}" CASCADE`);
    }
  }
}
