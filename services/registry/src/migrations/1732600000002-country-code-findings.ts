import {
  forgetCountryCodeFindings,
  reportInvalidCountryCodes,
  type StoredCountries,
} from '@iso20000/service-kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every stored country: the organization's own country and its address's, and each site's
 * address. The history's snapshots are left out: they record what was sent at the time and are
 * never rewritten, so the current rows are what a person fixes.
 */
const STORED_COUNTRIES: StoredCountries[] = [
  {
    table: 'certified_organization',
    rows: `SELECT "id"::text, 'country', "country" FROM "certified_organization"
           UNION ALL
           SELECT "id"::text, 'address.country', "address"->>'country' FROM "certified_organization"`,
  },
  {
    table: 'organization_certification',
    rows: `SELECT c."id"::text, 'sites[' || (site.position - 1) || '].address.country', site.value->'address'->>'country'
           FROM "organization_certification" c, jsonb_array_elements(c."sites") WITH ORDINALITY AS site(value, position)`,
  },
];

/**
 * Finds stored country codes that are not codes of an existing country (e.g. "UK", "XX", "de")
 * and reports them in data_quality_finding, rewriting nothing (the list of codes is frozen in
 * service-kit with the day it was taken).
 */
export class CountryCodeFindings1732600000002 implements MigrationInterface {
  name = 'CountryCodeFindings1732600000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await reportInvalidCountryCodes(queryRunner, 'registry', STORED_COUNTRIES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await forgetCountryCodeFindings(queryRunner, STORED_COUNTRIES);
  }
}
