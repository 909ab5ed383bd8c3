import type { QueryRunner } from 'typeorm';

/**
 * ISO 3166-1 alpha-2 codes as i18n-iso-countries 7.14 listed them in December 2026 (250 codes).
 * Frozen: a migration that reported with this list must report the same when it runs again later,
 * whatever the library says by then. A later check takes a new list of its own.
 */
export const ISO_3166_ALPHA2_2026_12: readonly string[] = [
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ',
  'BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR',
  'CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR',
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU',
  'ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ',
  'LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ',
  'MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF',
  'PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI',
  'SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR',
  'TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW',
]
  .join(' ')
  .split(' ');

/**
 * Where a service stores countries: `rows` is a SELECT of (row id as text, where in the row, stored
 * value), e.g. `SELECT "id"::text, 'country', "country" FROM "ato"`, over the rows that must hold a
 * country (leave out rows where the country is rightly absent, e.g. an address not given).
 */
export interface StoredCountries {
  table: string;
  rows: string;
}

/**
 * Reports stored country codes that name no country (e.g. "UK", "XX", "de", or none at all), one
 * `data_quality_finding` row each, and says how many with a NOTICE. Rewrites nothing: which country
 * was meant is for a person to decide. The table is not an entity: migrations write it for people.
 */
export async function reportInvalidCountryCodes(
  queryRunner: QueryRunner,
  service: string,
  stored: readonly StoredCountries[],
  validCodes: readonly string[] = ISO_3166_ALPHA2_2026_12,
): Promise<number> {
  await queryRunner.query(
    `CREATE TABLE IF NOT EXISTS "data_quality_finding" ("id" uuid PRIMARY KEY DEFAULT gen_random_uuid(), "table_name" text,
       "row_id" text, "column_name" text, "value" text, "found_at" timestamptz DEFAULT now())`,
  );
  const invalid = stored
    .map(
      ({ table, rows }) =>
        `SELECT '${table.replace(/'/g, "''")}', found.row_id, found.column_name, found.value
           FROM (${rows}) AS found(row_id, column_name, value)
          WHERE found.value IS NULL OR NOT (found.value = ANY($1::text[]))`,
    )
    .join(' UNION ALL ');
  const [{ found }] = (await queryRunner.query(
    `WITH inserted AS (
       INSERT INTO "data_quality_finding" ("table_name", "row_id", "column_name", "value") ${invalid} RETURNING 1
     ) SELECT count(*)::int AS found FROM inserted`,
    [validCodes],
  )) as Array<{ found: number }>;
  await queryRunner.query(
    `DO $$ BEGIN RAISE NOTICE '${service.replace(/'/g, '')}: % stored country code(s) are not ISO 3166-1 alpha-2 codes of an existing country; see data_quality_finding', ${Number(found)}; END $$`,
  );
  return Number(found);
}

/** Undoes reportInvalidCountryCodes for these tables (the down of its migration). */
export async function forgetCountryCodeFindings(
  queryRunner: QueryRunner,
  stored: readonly StoredCountries[],
): Promise<void> {
  await queryRunner.query(
    `DELETE FROM "data_quality_finding" WHERE "table_name" = ANY($1::text[]) AND "column_name" LIKE '%countr%'`,
    [[...new Set(stored.map((s) => s.table))]],
  );
}
