import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Webhook endpoints, the events they may receive, every delivery and attempt, and relying parties. */
export class NotificationsTables1765000000000 implements MigrationInterface {
  name = 'NotificationsTables1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "notification_event" (
      "id" uuid NOT NULL,
      "subject" text NOT NULL,
      "occurred_at" timestamp with time zone NOT NULL,
      "envelope" jsonb NOT NULL,
      "rcb_ids" uuid array NOT NULL,
      "ato_id" uuid,
      "certificate_number" text,
      "certification_number" text,
      "received_at" timestamp with time zone NOT NULL,
      CONSTRAINT "PK_notification_event" PRIMARY KEY ("id"))`);
    await q.query(
      `CREATE INDEX "IDX_notification_event_occurred" ON "notification_event" ("occurred_at", "id")`,
    );

    await q.query(`CREATE TABLE "sitting_owner" (
      "sitting_id" uuid NOT NULL, "ato_id" uuid,
      CONSTRAINT "PK_sitting_owner" PRIMARY KEY ("sitting_id"))`);
    await q.query(`CREATE TABLE "certificate_owner" (
      "certificate_id" uuid NOT NULL, "ato_id" uuid,
      CONSTRAINT "PK_certificate_owner" PRIMARY KEY ("certificate_id"))`);
    await q.query(`CREATE TABLE "certification_holder" (
      "certification_id" uuid NOT NULL, "rcb_id" uuid NOT NULL, "version" integer NOT NULL,
      CONSTRAINT "PK_certification_holder" PRIMARY KEY ("certification_id"))`);

    await q.query(`CREATE TABLE "webhook_endpoint" (
      "id" uuid NOT NULL,
      "owner_kind" text NOT NULL,
      "owner_id" uuid,
      "url" text NOT NULL,
      "description" text,
      "event_types" text array NOT NULL,
      "certificate_numbers" text array NOT NULL,
      "certification_numbers" text array NOT NULL,
      "status" text NOT NULL,
      "max_concurrency" integer NOT NULL,
      "disabled_reason" text,
      "disabled_at" timestamp with time zone,
      "paused_at" timestamp with time zone,
      "secret_ciphertext" text NOT NULL,
      "previous_secret_ciphertext" text,
      "previous_secret_expires_at" timestamp with time zone,
      "secret_hint" text NOT NULL,
      "secret_rotated_at" timestamp with time zone,
      "failing_since" timestamp with time zone,
      "created_by" text NOT NULL,
      "created_at" timestamp with time zone NOT NULL,
      "updated_at" timestamp with time zone NOT NULL,
      CONSTRAINT "PK_webhook_endpoint" PRIMARY KEY ("id"))`);
    await q.query(
      `CREATE INDEX "IDX_webhook_endpoint_owner" ON "webhook_endpoint" ("owner_kind", "owner_id", "created_at", "id")`,
    );
    await q.query(`CREATE INDEX "IDX_webhook_endpoint_created" ON "webhook_endpoint" ("created_at", "id")`);

    await q.query(`CREATE TABLE "webhook_delivery" (
      "id" uuid NOT NULL,
      "endpoint_id" uuid NOT NULL,
      "event_id" uuid NOT NULL,
      "event_type" text NOT NULL,
      "occurred_at" timestamp with time zone NOT NULL,
      "status" text NOT NULL,
      "attempt_count" integer NOT NULL,
      "round_failures" integer NOT NULL,
      "next_attempt_at" timestamp with time zone,
      "lease_until" timestamp with time zone,
      "delivered_at" timestamp with time zone,
      "created_at" timestamp with time zone NOT NULL,
      CONSTRAINT "PK_webhook_delivery" PRIMARY KEY ("id"))`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_webhook_delivery_endpoint_event" ON "webhook_delivery" ("endpoint_id", "event_id")`,
    );
    await q.query(
      `CREATE INDEX "IDX_webhook_delivery_due" ON "webhook_delivery" ("endpoint_id", "next_attempt_at", "occurred_at", "id") WHERE "status" IN ('PENDING', 'SENDING')`,
    );
    await q.query(
      `CREATE INDEX "IDX_webhook_delivery_endpoint_created" ON "webhook_delivery" ("endpoint_id", "created_at", "id")`,
    );
    await q.query(`CREATE INDEX "IDX_webhook_delivery_event" ON "webhook_delivery" ("event_id")`);

    await q.query(`CREATE TABLE "webhook_delivery_attempt" (
      "id" uuid NOT NULL,
      "delivery_id" uuid NOT NULL,
      "number" integer NOT NULL,
      "started_at" timestamp with time zone NOT NULL,
      "latency_ms" integer NOT NULL,
      "outcome" text NOT NULL,
      "response_status" integer,
      "error" text,
      CONSTRAINT "PK_webhook_delivery_attempt" PRIMARY KEY ("id"))`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_webhook_delivery_attempt_number" ON "webhook_delivery_attempt" ("delivery_id", "number")`,
    );

    await q.query(`CREATE TABLE "relying_party" (
      "id" uuid NOT NULL,
      "name" text NOT NULL,
      "secret_hash" text NOT NULL,
      "created_by" text NOT NULL,
      "created_at" timestamp with time zone NOT NULL,
      "revoked_at" timestamp with time zone,
      CONSTRAINT "PK_relying_party" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_relying_party_created" ON "relying_party" ("created_at", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'relying_party',
      'webhook_delivery_attempt',
      'webhook_delivery',
      'webhook_endpoint',
      'certification_holder',
      'certificate_owner',
      'sitting_owner',
      'notification_event',
    ])
      await q.query(`DROP TABLE "${table}"`);
  }
}
