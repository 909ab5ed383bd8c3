import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What scale-out needs of the events tables. The retention job deletes published outbox rows and
 * inbox rows past their age, so each gets an index on that age (only published rows: pending ones
 * are never pruned). And the ledger of scheduled-job ticks, so that with several replicas each tick
 * of a periodic job (this pruning, expiry sweeps) runs once: every service lists these migrations.
 */
export class EventsRetentionAndJobTicks1764806400000 implements MigrationInterface {
  name = 'EventsRetentionAndJobTicks1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "outbox_event_published_idx" ON "outbox_event" ("published_at") WHERE "published_at" IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX "inbox_event_processed_idx" ON "inbox_event" ("processed_at")`);
    await queryRunner.query(
      `CREATE TABLE "scheduled_job_tick" ("job" text NOT NULL, "tick" bigint NOT NULL, "state" text NOT NULL, ` +
        `"attempts" integer NOT NULL DEFAULT '1', "runner" text NOT NULL, ` +
        `"started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, ` +
        `"error" text, "result" jsonb, ` +
        `CONSTRAINT "scheduled_job_tick_state_check" CHECK ("state" IN ('running', 'done', 'failed', 'caught_up')), ` +
        `CONSTRAINT "scheduled_job_tick_pkey" PRIMARY KEY ("job", "tick"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "scheduled_job_tick_started_idx" ON "scheduled_job_tick" ("started_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "scheduled_job_tick"`);
    await queryRunner.query(`DROP INDEX "inbox_event_processed_idx"`);
    await queryRunner.query(`DROP INDEX "outbox_event_published_idx"`);
  }
}
