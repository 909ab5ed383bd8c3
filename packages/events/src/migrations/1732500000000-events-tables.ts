import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The outbox, inbox and dead-letter tables. Services list it first among their migrations. Kept
 * byte-for-byte in line with the entities (the schema-drift check compares them).
 */
export class EventsTables1732500000000 implements MigrationInterface {
  name = 'EventsTables1732500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "outbox_event" ("id" uuid NOT NULL, "position" BIGSERIAL NOT NULL, "subject" text NOT NULL, ` +
        `"version" integer NOT NULL, "payload" jsonb NOT NULL, "request_id" text, ` +
        `"created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, ` +
        `"attempts" integer NOT NULL DEFAULT '0', "last_error" text, ` +
        `"next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), ` +
        `CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("id"))`,
    );
    // only pending rows are indexed: the relay's scan stays small however long the log grows
    await queryRunner.query(
      `CREATE INDEX "outbox_event_pending_idx" ON "outbox_event" ("position") WHERE "published_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "inbox_event" ("consumer" text NOT NULL, "event_id" uuid NOT NULL, ` +
        `"processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), ` +
        `CONSTRAINT "inbox_event_pkey" PRIMARY KEY ("consumer", "event_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "dead_letter_event" ("id" uuid NOT NULL, "consumer" text NOT NULL, "event_id" text, ` +
        `"subject" text NOT NULL, "payload" jsonb NOT NULL, "error" text NOT NULL, "deliveries" integer NOT NULL, ` +
        `"failed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), ` +
        `CONSTRAINT "dead_letter_event_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "dead_letter_event_consumer_idx" ON "dead_letter_event" ("consumer", "failed_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "dead_letter_event"`);
    await queryRunner.query(`DROP TABLE "inbox_event"`);
    await queryRunner.query(`DROP TABLE "outbox_event"`);
  }
}
