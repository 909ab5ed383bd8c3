import { randomUUID } from 'node:crypto';
import { EXAM_CODES, SCHEME_EXAMS } from '@iso20000/scheme';
import { pendingSchemaChanges } from '@iso20000/service-kit';
import { createTestDatabase } from '@iso20000/testing';
import { entities, migrations } from '../src/data-source';
import { ExamEntity } from '../src/entities/exam.entity';
import { CountryCodeFindings1733300000000 } from '../src/migrations/1733300000000-country-code-findings';

it('has migrations that build exactly the schema the entities describe', async () => {
  await using db = await createTestDatabase('exam', { entities, migrations: migrations as never });
  expect(await pendingSchemaChanges(db.dataSource)).toEqual([]);
  const exams = await db.dataSource.query(`SELECT code FROM exams ORDER BY max_marks, code DESC`);
  expect(exams.map((e: { code: string }) => e.code)).toEqual(['FOUNDATION', 'AUDITOR', 'PRACTITIONER']);
  const forms = await db.dataSource.query(
    `SELECT exam_code, count(*)::int AS n FROM exam_forms GROUP BY exam_code ORDER BY exam_code`,
  );
  expect(forms).toEqual([
    { exam_code: 'AUDITOR', n: 7 },
    { exam_code: 'FOUNDATION', n: 5 },
    { exam_code: 'PRACTITIONER', n: 5 },
  ]);
});

it('reports stored country codes that name no country, without rewriting them', async () => {
  await using db = await createTestDatabase('exam', { entities, migrations: migrations as never });
  const ds = db.dataSource;
  const [good, bad] = [randomUUID(), randomUUID()];
  const session = `INSERT INTO exam_sessions (id, kind, exam_code, venue, country, starts_at, languages, capacity, created_at, created_by)
    VALUES ($1, 'PUBLIC', 'FOUNDATION', 'Hall', $2, now(), '{en}', 10, now(), 'test')`;
  await ds.query(session, [good, 'GB']);
  await ds.query(session, [bad, 'UK']);
  const ato = randomUUID();
  await ds.query(
    `INSERT INTO ato_statuses (ato_id, name, country, status, changed_at) VALUES ($1, 'ATO', 'XX', 'ACCREDITED', now())`,
    [ato],
  );
  // run again over the stored rows, as on a database that had them before the migration
  const runner = ds.createQueryRunner();
  try {
    await new CountryCodeFindings1733300000000().up(runner);
  } finally {
    await runner.release();
  }
  const findings = await ds.query(
    `SELECT table_name, row_id, column_name, value FROM data_quality_finding ORDER BY table_name`,
  );
  expect(findings).toEqual([
    { table_name: 'ato_statuses', row_id: ato, column_name: 'country', value: 'XX' },
    { table_name: 'exam_sessions', row_id: bad, column_name: 'country', value: 'UK' },
  ]);
  expect(await ds.query(`SELECT country FROM exam_sessions WHERE id = $1`, [bad])).toEqual([
    { country: 'UK' },
  ]);
});

it('stores the exams exactly as @iso20000/scheme publishes them', async () => {
  await using db = await createTestDatabase('exam', { entities, migrations: migrations as never });
  const stored = await db.dataSource.getRepository(ExamEntity).find();
  const byCode = new Map(stored.map((exam) => [exam.code, exam]));
  expect([...byCode.keys()].sort()).toEqual([...EXAM_CODES].sort());
  for (const published of SCHEME_EXAMS) expect(byCode.get(published.code)).toEqual({ ...published });
});
