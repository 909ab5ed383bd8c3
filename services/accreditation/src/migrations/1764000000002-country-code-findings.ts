import {
  forgetCountryCodeFindings,
  reportInvalidCountryCodes,
  type StoredCountries,
} from '@iso20000/service-kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every stored country: the organizations' own countries, the countries an RCB serves (one
 * finding per bad element), a course's delivery country and the country of an ATO's address for
 * paper certificates.
 */
const STORED_COUNTRIES: StoredCountries[] = [
  { table: 'ato', rows: `SELECT "id"::text, 'country', "country" FROM "ato"` },
  { table: 'rcb', rows: `SELECT "id"::text, 'country', "country" FROM "rcb"` },
  {
    table: 'rcb',
    rows: `SELECT "id"::text, 'countries_served', served FROM "rcb", unnest("countries_served") AS served`,
  },
  { table: 'course', rows: `SELECT "id"::text, 'country', "country" FROM "course"` },
  {
    table: 'ato',
    rows: `SELECT "id"::text, 'delivery_address.country', "delivery_address"->>'country' FROM "ato" WHERE "delivery_address" IS NOT NULL`,
  },
];

/**
 * Finds stored country codes that are not codes of an existing country (e.g. "UK", "XX", "de")
 * and reports them in data_quality_finding, rewriting nothing (the list of codes is frozen in
 * service-kit with the day it was taken).
 */
export class CountryCodeFindings1764000000002 implements MigrationInterface {
  name = 'CountryCodeFindings1764000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await reportInvalidCountryCodes(queryRunner, 'accreditation', STORED_COUNTRIES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await forgetCountryCodeFindings(queryRunner, STORED_COUNTRIES);
  }
}
