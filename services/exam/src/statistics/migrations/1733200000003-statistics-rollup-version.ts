import type { MigrationInterface, QueryRunner } from 'typeorm';

// The rollups' change counter for statistics result caches (see RollupVersionEntity): 16 slots.
export class StatisticsRollupVersion1733200000003 implements MigrationInterface {
  name = 'StatisticsRollupVersion1733200000003';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "statistics_rollup_version" ("slot" smallint NOT NULL, "version" bigint NOT NULL, CONSTRAINT "PK_0f1f5f8015e9abd8540082cb6ab" PRIMARY KEY ("slot"))`,
    );
    await queryRunner.query(
      `INSERT INTO statistics_rollup_version (slot, version) SELECT slot, 0 FROM generate_series(0, 15) AS slot`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "statistics_rollup_version"`);
  }
}
