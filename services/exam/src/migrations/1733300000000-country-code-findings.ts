import {
  forgetCountryCodeFindings,
  reportInvalidCountryCodes,
  type StoredCountries,
} from '@iso20000/service-kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every stored country, with the key of its row: where a bad code could have come in. The
 * statistics rollups are sums of the facts and are not reported separately.
 */
const STORED_COUNTRIES: StoredCountries[] = [
  {
    table: 'exam_sessions',
    rows: `SELECT "id"::text, 'country', "country" FROM "exam_sessions" WHERE "country" IS NOT NULL`,
  },
  {
    table: 'ato_statuses',
    rows: `SELECT "ato_id"::text, 'country', "country" FROM "ato_statuses" WHERE "country" IS NOT NULL`,
  },
  {
    table: 'statistics_result_fact',
    rows: `SELECT "sitting_id"::text, 'country', "country" FROM "statistics_result_fact" WHERE "country" IS NOT NULL`,
  },
];

/**
 * Finds stored country codes that are not codes of an existing country (e.g. "UK", "XX", "de")
 * and reports them in data_quality_finding, rewriting nothing (the list of codes is frozen in
 * service-kit with the day it was taken).
 */
export class CountryCodeFindings1733300000000 implements MigrationInterface {
  name = 'CountryCodeFindings1733300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await reportInvalidCountryCodes(queryRunner, 'exam', STORED_COUNTRIES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await forgetCountryCodeFindings(queryRunner, STORED_COUNTRIES);
  }
}
