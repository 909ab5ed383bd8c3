import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '@iso20000/testing';
import { entities, migrations } from '../src/data-source';
import { CountryCodeFindings1732600000002 } from '../src/migrations/1732600000002-country-code-findings';

it('reports stored country codes that name no country, without rewriting them', async () => {
  await using db = await createTestDatabase('registry', { entities, migrations });
  const ds = db.dataSource;
  const [good, bad] = [randomUUID(), randomUUID()];
  const organization = `INSERT INTO certified_organization (id, legal_name, other_names, country, address, public_listing, search_text, sort_name, created_at, updated_at)
    VALUES ($1, 'Org', '[]', $2, $3, true, 'Org', 'org', now(), now())`;
  const address = (country: string) =>
    JSON.stringify({ lines: ['1 St'], city: 'C', postalCode: null, country });
  await ds.query(organization, [good, 'GB', address('GB')]);
  await ds.query(organization, [bad, 'UK', address('XX')]);
  const certification = randomUUID();
  await ds.query(
    `INSERT INTO organization_certification (id, organization_id, rcb_id, certificate_number, standard, scope, sites, original_issue_date,
       cycle_start, expiry, surveillance_audits, status, version, created_at, updated_at)
     VALUES ($1, $2, $3, 'N-1', 'ISO_IEC_20000_1_2018', 'IT', $4, '2025-01-01', '2025-01-01', '2027-12-31', '[]', 'CERTIFIED', 1, now(), now())`,
    [
      certification,
      good,
      randomUUID(),
      JSON.stringify([
        { address: JSON.parse(address('DE')), scope: 'a' },
        { address: JSON.parse(address('de')), scope: 'b' },
      ]),
    ],
  );
  // run again over the stored rows, as on a database that had them before the migration
  const runner = ds.createQueryRunner();
  try {
    await new CountryCodeFindings1732600000002().up(runner);
  } finally {
    await runner.release();
  }
  const findings = await ds.query(
    `SELECT table_name, row_id, column_name, value FROM data_quality_finding ORDER BY table_name, column_name`,
  );
  expect(findings).toEqual([
    { table_name: 'certified_organization', row_id: bad, column_name: 'address.country', value: 'XX' },
    { table_name: 'certified_organization', row_id: bad, column_name: 'country', value: 'UK' },
    {
      table_name: 'organization_certification',
      row_id: certification,
      column_name: 'sites[1].address.country',
      value: 'de',
    },
  ]);
  expect(await ds.query(`SELECT country FROM certified_organization WHERE id = $1`, [bad])).toEqual([
    { country: 'UK' },
  ]);
});
