import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The exam service's tables; generated from the entities (the drift check keeps them in step). */
export class ExamTables1733100000000 implements MigrationInterface {
  name = 'ExamTables1733100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "ato_statuses" ("ato_id" uuid NOT NULL, "name" text NOT NULL, "country" text NOT NULL, "status" text NOT NULL, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_624c1b0d86e237519b6bc2f7d88" PRIMARY KEY ("ato_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "candidate_qualifications" ("certificate_id" uuid NOT NULL, "candidate_id" uuid NOT NULL, "exam_code" text NOT NULL, "certificate_number" text NOT NULL, "sitting_id" uuid NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_d41cda3bb5549775fce1f1ed26e" PRIMARY KEY ("certificate_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_candidate_qualifications_candidate" ON "candidate_qualifications"  ("candidate_id", "exam_code")`,
    );
    await queryRunner.query(
      `CREATE TABLE "candidates" ("id" uuid NOT NULL, "name" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_140681296bf033ab1eb95288abb" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "exam_forms" ("id" uuid NOT NULL, "exam_code" text NOT NULL, "language" text NOT NULL, "code" text NOT NULL, "answer_key" jsonb NOT NULL, "active" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_b5bf95130cdb9a945024af6cb80" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_exam_forms_code" ON "exam_forms"  ("code")`);
    await queryRunner.query(
      `CREATE INDEX "idx_exam_forms_exam_language" ON "exam_forms"  ("exam_code", "language", "code")`,
    );
    await queryRunner.query(
      `CREATE TABLE "exam_prices" ("exam_code" text NOT NULL, "region" text NOT NULL, "region_name" text NOT NULL, "currency" text NOT NULL, "amount_minor" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_by" text, CONSTRAINT "PK_fdec6eafb025f443a0cba00057d" PRIMARY KEY ("exam_code", "region"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "exam_sessions" ("id" uuid NOT NULL, "kind" text NOT NULL, "exam_code" text NOT NULL, "ato_id" uuid, "venue" text NOT NULL, "country" text NOT NULL, "region" text, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "languages" text array NOT NULL, "capacity" integer NOT NULL, "price_amount_minor" integer, "price_currency" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_by" text NOT NULL, CONSTRAINT "PK_e7864af3b38e87bb9ca90d96322" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_exam_sessions_exam" ON "exam_sessions"  ("exam_code", "starts_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_exam_sessions_ato" ON "exam_sessions"  ("ato_id", "starts_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_exam_sessions_starts" ON "exam_sessions"  ("starts_at", "id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "exams" ("code" text NOT NULL, "name" text NOT NULL, "format" text NOT NULL, "question_count" integer NOT NULL, "marks_per_question" integer NOT NULL, "max_marks" integer NOT NULL, "pass_mark" integer NOT NULL, "duration_minutes" integer NOT NULL, "book" text NOT NULL, "book_note" text, "prerequisite" text NOT NULL, "required_audit_experience_years" integer, "recommended" text, "self_study_allowed" boolean NOT NULL, "marking" text NOT NULL, "release" text NOT NULL, "trainer_eligibility_percentage" integer, "languages" jsonb NOT NULL, CONSTRAINT "PK_7ecd08a5f9e0d003a69791cf20b" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "sitting_item_responses" ("sitting_id" uuid NOT NULL, "item_number" integer NOT NULL, "question_number" integer NOT NULL, "chosen_option" text, "correct" boolean NOT NULL, "marks" integer NOT NULL, "max_marks" integer NOT NULL, CONSTRAINT "PK_f7513d47401c851f0f5630c187b" PRIMARY KEY ("sitting_id", "item_number"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "sitting_transitions" ("id" uuid NOT NULL, "sitting_id" uuid NOT NULL, "from_state" text, "to_state" text NOT NULL, "actor_subject" text, "actor_role" text NOT NULL, "reason" text, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_13454d0d6d7fdb9520f948ca73f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_sitting_transitions_sitting" ON "sitting_transitions"  ("sitting_id", "occurred_at", "id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "sittings" ("id" uuid NOT NULL, "candidate_id" uuid NOT NULL, "session_id" uuid NOT NULL, "exam_code" text NOT NULL, "language" text NOT NULL, "ato_id" uuid, "route" text NOT NULL, "state" text NOT NULL, "sat_on" date NOT NULL, "prerequisite_status" text NOT NULL, "bcs_foundation_certificate_number" text, "audit_experience_years" integer, "audit_experience_evidence" text, "prerequisite_decided_by" text, "prerequisite_decided_at" TIMESTAMP WITH TIME ZONE, "prerequisite_decision_note" text, "price_amount_minor" integer, "price_currency" text, "form_id" uuid, "score" integer, "max_score" integer, "percentage" double precision, "passed" boolean, "trainer_eligible" boolean, "released_to" text, "released_at" TIMESTAMP WITH TIME ZONE, "void_reason" text, "registered_at" TIMESTAMP WITH TIME ZONE NOT NULL, "registered_by" text NOT NULL, CONSTRAINT "PK_697e3ac95fb14bb6283830f78d4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_sittings_session_candidate" ON "sittings"  ("session_id", "candidate_id") WHERE "state" <> 'CANCELLED'`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_sittings_prerequisite" ON "sittings"  ("prerequisite_status", "registered_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_sittings_ato" ON "sittings"  ("ato_id", "registered_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_sittings_session" ON "sittings"  ("session_id", "registered_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_sittings_candidate" ON "sittings"  ("candidate_id", "registered_at", "id")`,
    );
    await queryRunner.query(`CREATE INDEX "idx_sittings_registered" ON "sittings"  ("registered_at", "id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_sittings_registered"`);
    await queryRunner.query(`DROP INDEX "public"."idx_sittings_candidate"`);
    await queryRunner.query(`DROP INDEX "public"."idx_sittings_session"`);
    await queryRunner.query(`DROP INDEX "public"."idx_sittings_ato"`);
    await queryRunner.query(`DROP INDEX "public"."idx_sittings_prerequisite"`);
    await queryRunner.query(`DROP INDEX "public"."uq_sittings_session_candidate"`);
    await queryRunner.query(`DROP TABLE "sittings"`);
    await queryRunner.query(`DROP INDEX "public"."idx_sitting_transitions_sitting"`);
    await queryRunner.query(`DROP TABLE "sitting_transitions"`);
    await queryRunner.query(`DROP TABLE "sitting_item_responses"`);
    await queryRunner.query(`DROP TABLE "exams"`);
    await queryRunner.query(`DROP INDEX "public"."idx_exam_sessions_starts"`);
    await queryRunner.query(`DROP INDEX "public"."idx_exam_sessions_ato"`);
    await queryRunner.query(`DROP INDEX "public"."idx_exam_sessions_exam"`);
    await queryRunner.query(`DROP TABLE "exam_sessions"`);
    await queryRunner.query(`DROP TABLE "exam_prices"`);
    await queryRunner.query(`DROP INDEX "public"."idx_exam_forms_exam_language"`);
    await queryRunner.query(`DROP INDEX "public"."uq_exam_forms_code"`);
    await queryRunner.query(`DROP TABLE "exam_forms"`);
    await queryRunner.query(`DROP TABLE "candidates"`);
    await queryRunner.query(`DROP INDEX "public"."idx_candidate_qualifications_candidate"`);
    await queryRunner.query(`DROP TABLE "candidate_qualifications"`);
    await queryRunner.query(`DROP TABLE "ato_statuses"`);
  }
}
