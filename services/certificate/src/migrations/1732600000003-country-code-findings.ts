import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ISO 3166-1 alpha-2 codes as i18n-iso-countries listed them when this migration was written
 * (250 codes). Frozen with the migration: what it reports must not change when the library does.
 */
const COUNTRY_CODES = [
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

/** Every stored country: addresses are jsonb, their country a field of it. */
const STORED_COUNTRIES = [
  { table: 'hard_copy_order', key: 'id', column: 'shipping_address', field: 'country' },
  { table: 'ato_delivery_preference', key: 'ato_id', column: 'ato_address', field: 'country' },
];

/**
 * Finds stored country codes that are not codes of an existing country (e.g. "UK", "XX", "gb")
 * and reports them, one data_quality_finding row each, without rewriting anything: which country
 * was meant is for a person to decide.
 */
export class CountryCodeFindings1732600000003 implements MigrationInterface {
  name = 'CountryCodeFindings1732600000003';

  async up(q: QueryRunner): Promise<void> {
    // Not an entity: written by migrations for people to read, never by the service.
    await q.query(
      `CREATE TABLE IF NOT EXISTS "data_quality_finding" ("id" uuid PRIMARY KEY DEFAULT gen_random_uuid(), "table_name" text,
         "row_id" text, "column_name" text, "value" text, "found_at" timestamptz DEFAULT now())`,
    );
    const invalid = STORED_COUNTRIES.map(
      ({ table, key, column, field }) =>
        `SELECT '${table}', "${key}"::text, '${column}.${field}', "${column}"->>'${field}' FROM "${table}"
          WHERE "${column}" IS NOT NULL AND NOT (coalesce("${column}"->>'${field}', '') = ANY($1::text[]))`,
    ).join(' UNION ALL ');
    const [{ found }] = (await q.query(
      `WITH inserted AS (
         INSERT INTO "data_quality_finding" ("table_name", "row_id", "column_name", "value") ${invalid} RETURNING 1
       ) SELECT count(*)::int AS found FROM inserted`,
      [COUNTRY_CODES],
    )) as { found: number }[];
    await q.query(
      `DO $$ BEGIN RAISE NOTICE 'certificate: % stored country code(s) are not ISO 3166-1 alpha-2 codes of an existing country; see data_quality_finding', ${Number(found)}; END $$`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DELETE FROM "data_quality_finding" WHERE "table_name" = ANY($1::text[]) AND "column_name" LIKE '%.country'`,
      [STORED_COUNTRIES.map((s) => s.table)],
    );
  }
}
