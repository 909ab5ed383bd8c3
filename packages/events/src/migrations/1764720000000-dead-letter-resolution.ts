import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * How a dead letter was dealt with: replayed onto its subject or discarded, by whom, when and why. The
 * row stays, so the table is the history of what failed and what was done about it.
 */
export class DeadLetterResolution1764720000000 implements MigrationInterface {
  name = 'DeadLetterResolution1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "dead_letter_event" ADD "resolution" text`);
    await queryRunner.query(`ALTER TABLE "dead_letter_event" ADD "resolved_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "dead_letter_event" ADD "resolved_by" text`);
    await queryRunner.query(`ALTER TABLE "dead_letter_event" ADD "resolution_reason" text`);
    await queryRunner.query(
      `ALTER TABLE "dead_letter_event" ADD CONSTRAINT "dead_letter_event_resolution_check" CHECK (` +
        `("resolution" IS NULL AND "resolved_at" IS NULL AND "resolved_by" IS NULL) OR ` +
        `("resolution" IN ('replayed', 'discarded') AND "resolved_at" IS NOT NULL AND "resolved_by" IS NOT NULL ` +
        `AND ("resolution" = 'replayed' OR "resolution_reason" IS NOT NULL)))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "dead_letter_event" DROP CONSTRAINT "dead_letter_event_resolution_check"`,
    );
    await queryRunner.query(`ALTER TABLE "dead_letter_event" DROP COLUMN "resolution_reason"`);
    await queryRunner.query(`ALTER TABLE "dead_letter_event" DROP COLUMN "resolved_by"`);
    await queryRunner.query(`ALTER TABLE "dead_letter_event" DROP COLUMN "resolved_at"`);
    await queryRunner.query(`ALTER TABLE "dead_letter_event" DROP COLUMN "resolution"`);
  }
}
