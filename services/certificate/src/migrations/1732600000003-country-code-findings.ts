import {
  forgetCountryCodeFindings,
  reportInvalidCountryCodes,
  type StoredCountries,
} from '@iso20000/service-kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every stored country: addresses are jsonb, their country a field of it. */
const STORED_COUNTRIES: StoredCountries[] = [
  {
    table: 'hard_copy_order',
    rows: `SELECT "id"::text, 'shipping_address.country', "shipping_address"->>'country'
           FROM "hard_copy_order" WHERE "shipping_address" IS NOT NULL`,
  },
  {
    table: 'ato_delivery_preference',
    rows: `SELECT "ato_id"::text, 'ato_address.country', "ato_address"->>'country'
           FROM "ato_delivery_preference" WHERE "ato_address" IS NOT NULL`,
  },
];

/**
 * Finds stored country codes that are not codes of an existing country (e.g. "UK", "XX", "de")
 * and reports them in data_quality_finding, rewriting nothing (the list of codes is frozen in
 * service-kit with the day it was taken).
 */
export class CountryCodeFindings1732600000003 implements MigrationInterface {
  name = 'CountryCodeFindings1732600000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await reportInvalidCountryCodes(queryRunner, 'certificate', STORED_COUNTRIES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await forgetCountryCodeFindings(queryRunner, STORED_COUNTRIES);
  }
}
