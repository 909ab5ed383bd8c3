import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The W3C trace context of the work that recorded an outbox event, so the event's consumers continue
 * its trace. Services list it right after EventsTables1732500000000.
 */
export class EventsTraceparent1764633600000 implements MigrationInterface {
  name = 'EventsTraceparent1764633600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbox_event" ADD "traceparent" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbox_event" DROP COLUMN "traceparent"`);
  }
}
