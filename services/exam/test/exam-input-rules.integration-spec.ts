import { randomUUID } from 'node:crypto';
import { encodeCursor } from '@iso20000/service-kit';
import { errorCodes, type OperationResult } from '@iso20000/testing';
import {
  analyst,
  atoStaff,
  candidate,
  inDays,
  REGISTER,
  SCHEDULE,
  staff,
  startExamHarness,
  type ExamHarness,
} from './exam-test-harness';

let h: ExamHarness;
const ATO = randomUUID();

beforeAll(async () => {
  h = await startExamHarness();
  await h.setAtoStatus(ATO, 'ACCREDITED');
});
afterAll(() => h?.close());

const count = async (table: string) =>
  Number((await h.db.dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

/** The one refusal a bad input gets: BAD_USER_INPUT naming the field. */
function expectRefused(result: OperationResult, field: string | RegExp): void {
  expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  const error = result.errors![0];
  if (typeof field === 'string') expect(error.extensions?.field).toBe(field);
  expect(error.message).toMatch(typeof field === 'string' ? field.split('.')[0] : field);
}

const publicInput = (overrides: Record<string, unknown> = {}) => ({
  input: {
    kind: 'PUBLIC',
    examCode: 'FOUNDATION',
    venue: 'Scheme office',
    country: 'GB',
    region: 'UK',
    startsAt: inDays(12),
    languages: ['en'],
    capacity: 50,
    ...overrides,
  },
});

async function publicSession(): Promise<string> {
  return (await h.ok<{ scheduleExamSession: { id: string } }>(staff, SCHEDULE, publicInput()))
    .scheduleExamSession.id;
}

describe('countries are ISO 3166-1 alpha-2 codes of countries that exist', () => {
  it.each(['XX', 'UK', 'EU', 'G', 'GBR', '12'])(
    'refuses a session in "%s", naming the field',
    async (country) => {
      const before = await count('exam_sessions');
      expectRefused(await h.as(staff, SCHEDULE, publicInput({ country })), 'country');
      expect(await count('exam_sessions')).toBe(before);
    },
  );

  it('takes a real code in any case and stores it in capitals', async () => {
    const { scheduleExamSession } = await h.ok<{ scheduleExamSession: { id: string } }>(
      staff,
      SCHEDULE,
      publicInput({ country: ' jp ' }),
    );
    const [row] = await h.db.dataSource.query(`SELECT country FROM exam_sessions WHERE id = $1`, [
      scheduleExamSession.id,
    ]);
    expect(row.country).toBe('JP');
  });

  it('refuses a statistics filter on a country that does not exist', async () => {
    const result = await h.as(
      analyst,
      `query($f: ExamStatisticsFilter) { examStatistics(filter: $f) { minGroupSize } }`,
      {
        f: { countries: ['DE', 'XX'] },
      },
    );
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0].message).toMatch(/filter\.countries\.1/);
  });
});

describe('free text has a documented maximum and no control characters', () => {
  it('refuses a 2,000-character candidate name and writes nothing; 200 characters are accepted', async () => {
    const sessionId = await publicSession();
    const [candidates, sittings] = [await count('candidates'), await count('sittings')];
    const long = await h.as(candidate(), REGISTER, {
      input: { sessionId, language: 'en', candidateName: 'A'.repeat(2000) },
    });
    expectRefused(long, 'candidateName');
    expect(long.errors![0].extensions).toMatchObject({ field: 'candidateName', max: 200 });
    expect([await count('candidates'), await count('sittings')]).toEqual([candidates, sittings]);

    const atLimit = await h.ok<{ registerForExam: { candidate: { name: string } } }>(candidate(), REGISTER, {
      input: { sessionId, language: 'en', candidateName: `  ${'B'.repeat(200)}  ` },
    });
    expect(atLimit.registerForExam.candidate.name).toBe('B'.repeat(200));
  });

  it('refuses control characters in one-line text, line breaks included', async () => {
    const sessionId = await publicSession();
    for (const name of ['Ada\u0007Lovelace', 'Ada\nLovelace', 'Ada\u009bLovelace', 'Ada \u202eecalevol'])
      expectRefused(
        await h.as(candidate(), REGISTER, { input: { sessionId, language: 'en', candidateName: name } }),
        'candidateName',
      );
    expectRefused(await h.as(staff, SCHEDULE, publicInput({ venue: 'Hall\t2' })), 'venue');
    // a NUL is refused before any resolver, naming the variable that holds it
    expectRefused(
      await h.as(candidate(), REGISTER, { input: { sessionId, language: 'en', candidateName: 'Ada\u0000' } }),
      'input.candidateName',
    );
  });

  it('applies each documented limit, and allows line breaks where the text is a note', async () => {
    const sessionId = await publicSession();
    const cases: Array<[typeof staff, string, Record<string, unknown>, string]> = [
      [staff, SCHEDULE, publicInput({ venue: 'v'.repeat(201) }), 'venue'],
      [staff, SCHEDULE, publicInput({ languages: ['e'.repeat(36)] }), 'languages[0]'],
      [
        candidate(),
        REGISTER,
        { input: { sessionId, language: 'en', bcsFoundationCertificateNumber: '9'.repeat(201) } },
        'bcsFoundationCertificateNumber',
      ],
      [
        candidate(),
        REGISTER,
        {
          input: {
            sessionId,
            language: 'en',
            courseAtoId: ATO,
            auditExperience: { years: 5, evidence: 'e'.repeat(4001) },
          },
        },
        'auditExperience.evidence',
      ],
      [
        staff,
        `mutation($input: SetExamPriceInput!) { setExamPrice(input: $input) { region } }`,
        {
          input: {
            examCode: 'FOUNDATION',
            region: 'ATLANTIS',
            regionName: 'r'.repeat(201),
            price: { currency: 'EUR', amountMinor: 100 },
          },
        },
        'regionName',
      ],
    ];
    for (const [viewer, query, variables, field] of cases)
      expectRefused(await h.as(viewer, query, variables), field);

    const sittingId = (
      await h.ok<{ registerForExam: { id: string } }>(candidate(), REGISTER, {
        input: { sessionId, language: 'en' },
      })
    ).registerForExam.id;
    const voidIt = `mutation($input: VoidSittingInput!) { voidSitting(input: $input) { state voidReason } }`;
    expectRefused(await h.as(staff, voidIt, { input: { sittingId, reason: 'r'.repeat(1001) } }), 'reason');
    expectRefused(
      await h.as(staff, voidIt, { input: { sittingId, reason: 'copied\u0000' } }),
      'input.reason',
    );
    const voided = await h.ok<{ voidSitting: { voidReason: string } }>(staff, voidIt, {
      input: { sittingId, reason: 'Copied answers.\r\nSeen by two invigilators.' },
    });
    expect(voided.voidSitting.voidReason).toBe('Copied answers.\nSeen by two invigilators.');
  });
});

describe('ids: one answer for a malformed id', () => {
  it('refuses a malformed id in an argument with BAD_USER_INPUT naming it', async () => {
    const result = await h.as(candidate(), REGISTER, { input: { sessionId: 'session-1', language: 'en' } });
    expectRefused(result, 'sessionId');
    expect(result.errors![0].message).toBe(
      'sessionId must be an id this API issued (a uuid), got "session-1"',
    );
    expectRefused(await h.as(staff, `query { sitting(id: "42") { id } }`), 'id');
    expectRefused(await h.as(staff, `query { examSession(id: "42") { id } }`), 'id');
    expectRefused(
      await h.as(staff, `query { sittings(filter: { sessionId: "42" }) { edges { cursor } } }`),
      'filter.sessionId',
    );
  });

  it('refuses malformed form and ATO ids in statistics the same way', async () => {
    const q = `query($f: ID!, $t: [ID!], $filter: ExamStatisticsFilter) { itemAnalysis(formId: $f, translationFormIds: $t, filter: $filter) { formId } }`;
    expectRefused(await h.as(analyst, q, { f: 'FND-EN-A' }), 'formId');
    expectRefused(
      await h.as(analyst, q, { f: randomUUID(), t: [randomUUID(), 'x'] }),
      'translationFormIds[1]',
    );
    expectRefused(
      await h.as(analyst, q, { f: randomUUID(), filter: { atoIds: ['ato-1'] } }),
      'filter.atoIds[0]',
    );
    const upper = randomUUID().toUpperCase();
    expect(
      (await h.ok<{ itemAnalysis: { formId: string } }>(analyst, q, { f: upper })).itemAnalysis.formId,
    ).toBe(upper.toLowerCase());
  });

  it('resolves a malformed entity reference to null, as an unknown one', async () => {
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Sitting { id } ... on ExamSession { id } ... on Candidate { id } } }`;
    const data = await h.ok<{ _entities: unknown[] }>(staff, q, {
      r: [
        { __typename: 'Sitting', id: 'not-a-uuid' },
        { __typename: 'ExamSession', id: "1' OR '1'='1" },
        { __typename: 'Candidate', id: '' },
        { __typename: 'Sitting', id: randomUUID() },
      ],
    });
    expect(data._entities).toEqual([null, null, null, null]);
  });

  it('refuses a cursor that is not one the list issued, before SQL', async () => {
    for (const after of [
      encodeCursor(['yesterday', 'x']),
      encodeCursor(['2026-01-01T00:00:00.000Z']),
      'garbage',
    ])
      expect(
        errorCodes(
          await h.as(staff, `query($a: String) { sittings(after: $a) { edges { cursor } } }`, { a: after }),
        ),
      ).toEqual(['BAD_USER_INPUT']);
    expect(
      errorCodes(
        await h.as(staff, `query($a: String) { examSessions(after: $a) { edges { cursor } } }`, {
          a: encodeCursor(['soon', randomUUID()]),
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
  });
});

interface Page {
  edges: Array<{ cursor: string; node: { id?: string; code?: string; region?: string } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Pages through a connection `first` at a time: every page but the last says there is more, the
 * last says there is not, and together they are the whole list (as one page of 100 has it).
 */
async function expectTruthfulPaging(
  viewer: typeof staff,
  query: string,
  pick: (data: Record<string, unknown>) => Page,
  variables: Record<string, unknown> = {},
): Promise<number> {
  const all = pick(await h.ok(viewer, query, { ...variables, first: 100 }));
  expect(all.pageInfo.hasNextPage).toBe(false);
  for (const first of [1, 2, 3]) {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = pick(await h.ok(viewer, query, { ...variables, first, after }));
      seen.push(...page.edges.map((e) => e.cursor));
      if (!page.pageInfo.hasNextPage) break;
      expect(page.edges).toHaveLength(first);
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.edges.map((e) => e.cursor));
  }
  return all.edges.length;
}

describe('paging tells the truth on every list', () => {
  it("pages sessions, their sittings, a candidate's sittings, prices and forms", async () => {
    const sessionId = await publicSession();
    const ada = candidate('Ada');
    await h.ok(ada, REGISTER, { input: { sessionId, language: 'en' } });
    for (let i = 0; i < 4; i++) await h.ok(candidate(), REGISTER, { input: { sessionId, language: 'en' } });
    const other = await publicSession();
    await h.ok(ada, REGISTER, { input: { sessionId: other, language: 'en' } });

    const page = `pageInfo { hasNextPage endCursor } edges { cursor node { id } }`;
    expect(
      await expectTruthfulPaging(
        staff,
        `query($first: Int, $after: String) { examSessions(first: $first, after: $after) { ${page} } }`,
        (d) => d.examSessions as Page,
      ),
    ).toBeGreaterThanOrEqual(2);
    expect(
      await expectTruthfulPaging(
        staff,
        `query($id: ID!, $first: Int, $after: String) { examSession(id: $id) { sittings(first: $first, after: $after) { ${page} } } }`,
        (d) => (d.examSession as { sittings: Page }).sittings,
        { id: sessionId },
      ),
    ).toBe(5);
    expect(
      await expectTruthfulPaging(
        staff,
        `query($s: ID, $first: Int, $after: String) { sittings(filter: { sessionId: $s }, first: $first, after: $after) { ${page} } }`,
        (d) => d.sittings as Page,
        { s: sessionId },
      ),
    ).toBe(5);
    expect(
      await expectTruthfulPaging(
        ada,
        `query($first: Int, $after: String) { me { sittings(first: $first, after: $after) { ${page} } } }`,
        (d) => (d.me as { sittings: Page }).sittings,
      ),
    ).toBe(2);
    expect(
      await expectTruthfulPaging(
        staff,
        `query($first: Int, $after: String) { examPrices(examCode: AUDITOR, first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { region } } } }`,
        (d) => d.examPrices as Page,
      ),
    ).toBe(7);
    expect(
      await expectTruthfulPaging(
        staff,
        `query($first: Int, $after: String) { examForms(examCode: AUDITOR, first: $first, after: $after) { ${page} } }`,
        (d) => d.examForms as Page,
      ),
    ).toBe(7);
  });

  it('refuses a page size it would not honour instead of cutting the list short', async () => {
    expect(errorCodes(await h.as(staff, `{ examSessions(first: 101) { edges { cursor } } }`))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await h.as(staff, `{ sittings(first: 0) { edges { cursor } } }`))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('lets only the owning ATO page its session', async () => {
    const session = await h.ok<{ scheduleExamSession: { id: string } }>(atoStaff(ATO), SCHEDULE, {
      input: {
        kind: 'ATO_COURSE',
        examCode: 'FOUNDATION',
        atoId: ATO,
        venue: 'Room 1',
        country: 'DE',
        startsAt: inDays(8),
        languages: ['en'],
        capacity: 5,
      },
    });
    const q = `query($id: ID!) { examSession(id: $id) { sittings(first: 1) { edges { cursor } } } }`;
    expect(errorCodes(await h.as(atoStaff(randomUUID()), q, { id: session.scheduleExamSession.id }))).toEqual(
      ['FORBIDDEN'],
    );
  });
});
