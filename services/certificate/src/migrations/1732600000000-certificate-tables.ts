import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The certificate service's tables; must match the entities exactly (the drift test checks it). */
export class CertificateTables1732600000000 implements MigrationInterface {
  name = 'CertificateTables1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "certificate" ("id" uuid NOT NULL, "number" text NOT NULL, "sitting_id" uuid NOT NULL, "candidate_id" uuid NOT NULL, "holder_name" text NOT NULL, "exam_code" text NOT NULL, "language" text NOT NULL, "ato_id" uuid, "session_id" uuid NOT NULL, "sat_on" date NOT NULL, "percentage" double precision NOT NULL, "trainer_eligible" boolean NOT NULL, "released_at" TIMESTAMP WITH TIME ZONE NOT NULL, "due_on" date NOT NULL, "status" text NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL, "status_list_index" integer NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revocation_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "UQ_certificate_status_list_index" UNIQUE ("status_list_index"), CONSTRAINT "UQ_certificate_sitting" UNIQUE ("sitting_id"), CONSTRAINT "UQ_certificate_number" UNIQUE ("number"), CONSTRAINT "PK_certificate" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_certificate_created" ON "certificate" ("created_at", "id")`);
    await q.query(`CREATE INDEX "IDX_certificate_status_due" ON "certificate" ("status", "due_on")`);
    await q.query(`CREATE INDEX "IDX_certificate_ato" ON "certificate" ("ato_id", "created_at")`);
    await q.query(`CREATE INDEX "IDX_certificate_candidate" ON "certificate" ("candidate_id", "created_at")`);
    // Positions in the revocation status lists; never reused, even after a rolled-back issuance.
    await q.query(`CREATE SEQUENCE "certificate_status_list_index_seq" AS integer MINVALUE 0 START WITH 0`);

    await q.query(
      `CREATE TABLE "certificate_version" ("certificate_id" uuid NOT NULL, "version" integer NOT NULL, "holder_name" text NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "credential_jwt" text NOT NULL, "reason" text, "issued_by" text, CONSTRAINT "PK_certificate_version" PRIMARY KEY ("certificate_id", "version"))`,
    );
    await q.query(
      `CREATE TABLE "badge" ("id" uuid NOT NULL, "certificate_id" uuid NOT NULL, "claimed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "UQ_badge_certificate" UNIQUE ("certificate_id"), CONSTRAINT "PK_badge" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "hard_copy_order" ("id" uuid NOT NULL, "certificate_id" uuid NOT NULL, "kind" text NOT NULL, "origin" text NOT NULL, "recipient" text NOT NULL, "status" text NOT NULL, "shipping_address" jsonb, "price_amount_minor" integer NOT NULL, "price_currency" text NOT NULL, "paid_by" text NOT NULL, "payment_reference" text, "tracking_reference" text, "cancellation_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "paid_at" TIMESTAMP WITH TIME ZONE, "printed_at" TIMESTAMP WITH TIME ZONE, "dispatched_at" TIMESTAMP WITH TIME ZONE, "cancelled_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_hard_copy_order" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_hard_copy_order_created" ON "hard_copy_order" ("created_at", "id")`);
    await q.query(
      `CREATE INDEX "IDX_hard_copy_order_status" ON "hard_copy_order" ("status", "created_at", "id")`,
    );
    await q.query(
      `CREATE INDEX "IDX_hard_copy_order_certificate" ON "hard_copy_order" ("certificate_id", "created_at")`,
    );
    await q.query(
      `CREATE TABLE "hard_copy_price" ("kind" text NOT NULL, "amount_minor" integer NOT NULL, "currency" text NOT NULL, CONSTRAINT "PK_hard_copy_price" PRIMARY KEY ("kind"))`,
    );
    await q.query(
      `CREATE TABLE "ato_delivery_preference" ("ato_id" uuid NOT NULL, "format" text NOT NULL, "recipient" text NOT NULL, "ato_address" jsonb, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_ato_delivery_preference" PRIMARY KEY ("ato_id"))`,
    );
    await q.query(
      `CREATE TABLE "voided_sitting" ("sitting_id" uuid NOT NULL, "reason" text NOT NULL, "voided_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_voided_sitting" PRIMARY KEY ("sitting_id"))`,
    );
    await q.query(
      `CREATE TABLE "issuer_signing_key" ("id" text NOT NULL, "private_jwk" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_issuer_signing_key" PRIMARY KEY ("id"))`,
    );
    // UNLOGGED: rate-limit buckets are worth no WAL; after a crash they simply start full again.
    await q.query(
      `CREATE UNLOGGED TABLE "verification_rate_limit" ("client_key" text NOT NULL, "theoretical_arrival_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_verification_rate_limit" PRIMARY KEY ("client_key"))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "verification_rate_limit"`);
    await q.query(`DROP TABLE "issuer_signing_key"`);
    await q.query(`DROP TABLE "voided_sitting"`);
    await q.query(`DROP TABLE "ato_delivery_preference"`);
    await q.query(`DROP TABLE "hard_copy_price"`);
    await q.query(`DROP TABLE "hard_copy_order"`);
    await q.query(`DROP TABLE "badge"`);
    await q.query(`DROP TABLE "certificate_version"`);
    await q.query(`DROP SEQUENCE "certificate_status_list_index_seq"`);
    await q.query(`DROP TABLE "certificate"`);
  }
}
