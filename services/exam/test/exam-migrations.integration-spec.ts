import { pendingSchemaChanges } from '@iso20000/service-kit';
import { createTestDatabase } from '@iso20000/testing';
import { entities, migrations } from '../src/data-source';

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
