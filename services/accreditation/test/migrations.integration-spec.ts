import { randomUUID } from 'node:crypto';
import { SCHEME_EXAMS } from '@iso20000/scheme';
import { pendingSchemaChanges } from '@iso20000/service-kit';
import { createTestDatabase } from '@iso20000/testing';
import { entities, migrations } from '../src/data-source';
import { CountryCodeFindings1764000000002 } from '../src/migrations/1764000000002-country-code-findings';

it('has migrations that build exactly the schema the entities describe', async () => {
  await using db = await createTestDatabase('accreditation', { entities, migrations: migrations as never });
  expect(await pendingSchemaChanges(db.dataSource)).toEqual([]);
});

it('stores the exam reference data the scheme publishes (levels, languages, self-study, trainer thresholds)', async () => {
  await using db = await createTestDatabase('accreditation', { entities, migrations: migrations as never });
  const levels: { code: string; name: string; self_study_allowed: boolean; threshold: number | null }[] =
    await db.dataSource.query(
      `SELECT code, name, self_study_allowed, trainer_eligibility_percentage::float8 AS threshold
         FROM exam_level ORDER BY sort_order`,
    );
  const languages: { exam_code: string; language: string; display_name: string }[] =
    await db.dataSource.query(`SELECT exam_code, language, display_name FROM exam_language`);
  expect(levels).toEqual(
    SCHEME_EXAMS.map((exam) => ({
      code: exam.code,
      // the stored copy names a level by its own word, the scheme by its full title
      name: exam.name.replace(/^ISO\/IEC 20000 /, ''),
      self_study_allowed: exam.selfStudyAllowed,
      threshold: exam.trainerEligibilityPercentage,
    })),
  );
  const key = (row: { exam_code: string; language: string }) => `${row.exam_code} ${row.language}`;
  const stored = languages.map((row) => [key(row), row.display_name]).sort();
  const published = SCHEME_EXAMS.flatMap((exam) =>
    exam.languages.map((language) => [key({ exam_code: exam.code, language: language.tag }), language.name]),
  ).sort();
  expect(stored).toEqual(published);
});

it('reports stored country codes that name no country, without rewriting them', async () => {
  await using db = await createTestDatabase('accreditation', { entities, migrations: migrations as never });
  const ds = db.dataSource;
  const [goodAto, badAto, badRcb, course] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const ato = `INSERT INTO ato (id, name, country, company_details, contacts, exam_levels, languages, delivery_modes,
      status, applied_at, status_changed_at, delivery_address)
    VALUES ($1, 'ATO', $2, '{}', '[]', '{FOUNDATION}', '{en}', '{CLASSROOM}', 'ACCREDITED', now(), now(), $3)`;
  await ds.query(ato, [goodAto, 'GB', null]);
  await ds.query(ato, [
    badAto,
    'UK',
    JSON.stringify({ recipientName: 'x', lines: ['y'], city: 'z', country: 'XX' }),
  ]);
  await ds.query(
    `INSERT INTO rcb (id, name, country, company_details, contacts, national_accreditation_body,
       accreditation_reference, countries_served, status, applied_at, status_changed_at)
     VALUES ($1, 'RCB', 'DE', '{}', '[]', 'DAkkS', 'D-1', '{DE,EU,AT}', 'APPOINTED', now(), now())`,
    [badRcb],
  );
  await ds.query(
    `INSERT INTO course (id, ato_id, exam_code, language, country, delivery_mode, exam_included, created_at)
     VALUES ($1, $2, 'FOUNDATION', 'en', 'de', 'SELF_STUDY', true, now())`,
    [course, goodAto],
  );
  // run again over the stored rows, as on a database that had them before the migration
  const runner = ds.createQueryRunner();
  try {
    await new CountryCodeFindings1764000000002().up(runner);
  } finally {
    await runner.release();
  }
  const findings = await ds.query(
    `SELECT table_name, row_id, column_name, value FROM data_quality_finding ORDER BY table_name, column_name`,
  );
  expect(findings).toEqual([
    { table_name: 'ato', row_id: badAto, column_name: 'country', value: 'UK' },
    { table_name: 'ato', row_id: badAto, column_name: 'delivery_address.country', value: 'XX' },
    { table_name: 'course', row_id: course, column_name: 'country', value: 'de' },
    { table_name: 'rcb', row_id: badRcb, column_name: 'countries_served', value: 'EU' },
  ]);
  // nothing was rewritten
  expect((await ds.query(`SELECT country FROM ato WHERE id = $1`, [badAto]))[0].country).toBe('UK');
  expect(
    (await ds.query(`SELECT countries_served FROM rcb WHERE id = $1`, [badRcb]))[0].countries_served,
  ).toEqual(['DE', 'EU', 'AT']);
});
