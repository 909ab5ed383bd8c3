import { randomUUID } from 'node:crypto';
import { errorCodes } from '@iso20000/testing';
import {
  APPLY_ATO,
  accreditedAto,
  appointedRcb,
  atoApplication,
  atoStaff,
  eventually,
  publicViewer,
  rcbApplication,
  schemeStaff,
  startHarness,
  type Harness,
} from './harness';

let h: Harness;
let atoId: string;
let rcbId: string;
beforeAll(async () => {
  h = await startHarness();
  atoId = await accreditedAto(h, { name: 'Rules Academy' });
  rcbId = await appointedRcb(h, { name: 'Rules Cert' });
});
afterAll(() => h.close());

type Result = Awaited<ReturnType<Harness['as']>>;

/** Refused at the edge: BAD_USER_INPUT naming the field, in the message and in extensions. */
function expectRefused(result: Result, field: string): void {
  expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  expect(result.errors![0].message).toContain(field);
  expect(result.errors![0].extensions).toMatchObject({ field });
}

const rows = async (table: string): Promise<number> =>
  Number((await h.db.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

const APPLY_RCB = `mutation($input: RcbApplicationInput!) { applyForRcbAppointment(input: $input) { id } }`;
const CREATE_COURSE = `mutation($atoId: ID!, $input: CourseInput!) { createCourse(atoId: $atoId, input: $input) { id country } }`;
const ADD_TRAINER = `mutation($atoId: ID!, $input: TrainerInput!) { addTrainer(atoId: $atoId, input: $input) { id name } }`;
const SET_PREFERENCE = `mutation($atoId: ID!, $input: CertificateDeliveryPreferenceInput!) {
  setCertificateDeliveryPreference(atoId: $atoId, input: $input) { id } }`;
const course = (overrides: Record<string, unknown> = {}) => ({
  examCode: 'FOUNDATION',
  language: 'en',
  country: 'GB',
  deliveryMode: 'CLASSROOM',
  startsOn: '2099-03-01',
  endsOn: '2099-03-02',
  examIncluded: true,
  ...overrides,
});
const paperViaAto = (address: Record<string, unknown>) => ({
  format: 'PAPER_AND_ELECTRONIC',
  recipient: 'ATO',
  atoAddress: { recipientName: 'Rules Academy', lines: ['1 Ring'], city: 'Leeds', country: 'GB', ...address },
});

describe('countries are ISO 3166-1 alpha-2 codes of countries that exist', () => {
  it.each(['XX', 'UK', 'EU', 'Germany', 'D'])(
    'refuses "%s" everywhere a country is taken, naming the field',
    async (bad) => {
      const before = { ato: await rows('ato'), rcb: await rows('rcb'), course: await rows('course') };
      expectRefused(
        await h.as(publicViewer, APPLY_ATO, { input: atoApplication({ country: bad }) }),
        'input.country',
      );
      expectRefused(
        await h.as(publicViewer, APPLY_RCB, { input: rcbApplication({ country: bad }) }),
        'input.country',
      );
      expectRefused(
        await h.as(publicViewer, APPLY_RCB, { input: rcbApplication({ countriesServed: ['DE', bad] }) }),
        'input.countriesServed[1]',
      );
      expectRefused(
        await h.as(atoStaff(atoId), CREATE_COURSE, { atoId, input: course({ country: bad }) }),
        'input.country',
      );
      expectRefused(
        await h.as(atoStaff(atoId), SET_PREFERENCE, { atoId, input: paperViaAto({ country: bad }) }),
        'input.atoAddress.country',
      );
      for (const [list, filter] of [
        ['atos', 'AtoFilter'],
        ['rcbs', 'RcbFilter'],
        ['trainingProviders', 'TrainingProviderFilter'],
      ]) {
        expectRefused(
          await h.as(publicViewer, `query($f: ${filter}) { ${list}(filter: $f) { edges { cursor } } }`, {
            f: { country: bad },
          }),
          'filter.country',
        );
      }
      expect({ ato: await rows('ato'), rcb: await rows('rcb'), course: await rows('course') }).toEqual(
        before,
      );
    },
  );

  it('accepts an existing country in any case and stores it upper-cased', async () => {
    const created = await h.as<{ createCourse: { country: string } }>(atoStaff(atoId), CREATE_COURSE, {
      atoId,
      input: course({ country: 'ie' }),
    });
    expect(created.data).toEqual({ createCourse: { id: expect.any(String), country: 'IE' } });
  });
});

describe('free text has a documented maximum length and no control characters', () => {
  const long = 'x'.repeat(2000);

  it('refuses a 2,000-character name wherever a name is taken', async () => {
    expectRefused(
      await h.as(publicViewer, APPLY_ATO, { input: atoApplication({ name: long }) }),
      'input.name',
    );
    expectRefused(
      await h.as(atoStaff(atoId), ADD_TRAINER, { atoId, input: { candidateId: randomUUID(), name: long } }),
      'input.name',
    );
    expectRefused(
      await h.as(publicViewer, APPLY_ATO, {
        input: atoApplication({ contacts: [{ name: long, email: 'a@b.example' }] }),
      }),
      'input.contacts[0].name',
    );
    expectRefused(
      await h.as(publicViewer, APPLY_RCB, {
        input: rcbApplication({ companyDetails: { legalName: long, address: ['1 Way'] } }),
      }),
      'input.companyDetails.legalName',
    );
    expectRefused(
      await h.as(publicViewer, APPLY_RCB, { input: rcbApplication({ nationalAccreditationBody: long }) }),
      'input.nationalAccreditationBody',
    );
    expectRefused(
      await h.as(atoStaff(atoId), SET_PREFERENCE, { atoId, input: paperViaAto({ recipientName: long }) }),
      'input.atoAddress.recipientName',
    );
  });

  it('accepts text exactly at its limit and refuses one character more', async () => {
    const at = await h.as(publicViewer, APPLY_ATO, { input: atoApplication({ name: 'n'.repeat(300) }) });
    expect(at.errors).toBeUndefined();
    expectRefused(
      await h.as(publicViewer, APPLY_ATO, { input: atoApplication({ name: 'n'.repeat(301) }) }),
      'input.name',
    );
    const trainer = await h.as(atoStaff(atoId), ADD_TRAINER, {
      atoId,
      input: { candidateId: randomUUID(), name: 't'.repeat(200) },
    });
    expect(trainer.errors).toBeUndefined();
    expectRefused(
      await h.as(atoStaff(atoId), ADD_TRAINER, {
        atoId,
        input: { candidateId: randomUUID(), name: 't'.repeat(201) },
      }),
      'input.name',
    );
    const label = `mutation($rcbId: ID!, $label: String) { createRcbCredential(rcbId: $rcbId, label: $label) { apiKey } }`;
    expectRefused(await h.as(schemeStaff, label, { rcbId, label: 'l'.repeat(201) }), 'label');
    const search = `query($s: String) { trainingProviders(filter: { search: $s }) { edges { cursor } } }`;
    expectRefused(await h.as(publicViewer, search, { s: 's'.repeat(201) }), 'filter.search');
    const atos = `query($s: String) { atos(filter: { search: $s }) { edges { cursor } } }`;
    expectRefused(await h.as(publicViewer, atos, { s: 's'.repeat(201) }), 'filter.search');
  });

  it('bounds reasons and notes, allowing line breaks there only', async () => {
    const id = await accreditedAto(h, { name: 'Reasoned Academy' });
    const suspend = `mutation($id: ID!, $reason: String!) { suspendAto(atoId: $id, reason: $reason) { status } }`;
    expectRefused(await h.as(schemeStaff, suspend, { id, reason: 'r'.repeat(1001) }), 'reason');
    expectRefused(await h.as(schemeStaff, suspend, { id, reason: 'bell \u0007 rung' }), 'reason');
    const applied = await h.as<{ applyForRcbAppointment: { id: string } }>(publicViewer, APPLY_RCB, {
      input: rcbApplication({ name: 'Noted Cert' }),
    });
    const begin = `mutation($id: ID!, $notes: String) { beginRcbAssessment(rcbId: $id, notes: $notes) { status } }`;
    expectRefused(
      await h.as(schemeStaff, begin, {
        id: applied.data!.applyForRcbAppointment.id,
        notes: 'n'.repeat(4001),
      }),
      'notes',
    );
    expect(
      (await h.as(schemeStaff, suspend, { id, reason: 'records missing:\n- trainer files\n- exam logs' }))
        .data,
    ).toEqual({ suspendAto: { status: 'SUSPENDED' } });
  });

  it.each([
    ['a NUL', 'Academy\u0000'],
    ['an escape', 'Academy \u001b[31m'],
    ['a line break', 'Academy\nTwo'],
    ['a C1 control', 'Academy \u0085'],
  ])('refuses a name with %s', async (_what, name) => {
    expectRefused(await h.as(publicViewer, APPLY_ATO, { input: atoApplication({ name }) }), 'input.name');
    expectRefused(
      await h.as(atoStaff(atoId), ADD_TRAINER, { atoId, input: { candidateId: randomUUID(), name } }),
      'input.name',
    );
  });
});

describe('characters that make a public name read or compare differently', () => {
  it.each([
    ['a right-to-left override', 'Academy \u202Eymedaca'],
    ['a directional isolate', 'Academy \u2067x\u2069'],
    ['a left-to-right mark', 'Acad\u200Eemy'],
    ['a zero-width space', 'Acad\u200Bemy'],
  ])('refuses %s in an ATO, RCB or legal name, and in a trainer name', async (_what, name) => {
    expectRefused(await h.as(publicViewer, APPLY_ATO, { input: atoApplication({ name }) }), 'input.name');
    expectRefused(await h.as(publicViewer, APPLY_RCB, { input: rcbApplication({ name }) }), 'input.name');
    expectRefused(
      await h.as(publicViewer, APPLY_RCB, {
        input: rcbApplication({ companyDetails: { legalName: name, address: ['1 Way'] } }),
      }),
      'input.companyDetails.legalName',
    );
    expectRefused(
      await h.as(atoStaff(atoId), ADD_TRAINER, { atoId, input: { candidateId: randomUUID(), name } }),
      'input.name',
    );
  });
});

describe('a NUL character where no text rule looks', () => {
  it('is BAD_USER_INPUT in an id, a filter and a document literal, never a database error', async () => {
    expectRefused(
      await h.as(publicViewer, `query($id: ID!) { ato(id: $id) { id } }`, { id: `${atoId}\u0000` }),
      'id',
    );
    expectRefused(await h.as(publicViewer, `{ ato(id: "x\\u0000") { id } }`), 'id');
    const atos = `query($c: String) { atos(filter: { country: $c }) { edges { cursor } } }`;
    expectRefused(await h.as(publicViewer, atos, { c: 'D\u0000' }), 'c');
  });
});

describe('an id this API did not issue', () => {
  it('is BAD_USER_INPUT naming the argument in every mutation', async () => {
    const cases: [string, string][] = [
      [`mutation { suspendAto(atoId: "not-an-id", reason: "x") { id } }`, 'atoId'],
      [`mutation { withdrawRcb(rcbId: "42", reason: "x") { id } }`, 'rcbId'],
      [`mutation { removeCourse(courseId: "x") { id } }`, 'courseId'],
      [`mutation { removeTrainer(trainerId: "x") { id } }`, 'trainerId'],
      [`mutation { revokeRcbCredential(credentialId: "x") { id } }`, 'credentialId'],
      [`mutation { createRcbCredential(rcbId: "x") { apiKey } }`, 'rcbId'],
    ];
    for (const [mutation, field] of cases) {
      const result = await h.as(schemeStaff, mutation);
      expectRefused(result, field);
      expect(result.errors![0].message).toMatch(/must be an id this API issued \(a uuid\)/);
    }
    expectRefused(
      await h.as(atoStaff(atoId), ADD_TRAINER, { atoId, input: { candidateId: 'cand-1', name: 'Tess' } }),
      'input.candidateId',
    );
  });

  it('is BAD_USER_INPUT as a query argument, and names nothing (null) through a federation reference', async () => {
    for (const query of [`{ ato(id: "x") { id } }`, `{ rcb(id: "not-an-rcb") { id } }`]) {
      const result = await h.as(publicViewer, query);
      expectRefused(result, 'id');
      expect(result.errors![0].message).toMatch(/^id must be an id this API issued \(a uuid\), got "/);
    }
    const references = await h.as(
      schemeStaff,
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Ato { id } ... on Rcb { id } } }`,
      {
        reps: [
          { __typename: 'Ato', id: 'x' },
          { __typename: 'Rcb', id: rcbId.toUpperCase() },
        ],
      },
    );
    expect(references.data).toEqual({ _entities: [null, { id: rcbId }] });
  });
});

describe('a clash with a unique index', () => {
  it('is CONFLICT with its message when a concurrent twin got past the check first', async () => {
    const candidateId = randomUUID();
    // Another request's trainer row, inserted but not yet committed: invisible to the check, not to the index.
    const twin = h.db.dataSource.createQueryRunner();
    await twin.startTransaction();
    try {
      await twin.query(
        `INSERT INTO trainer (id, ato_id, candidate_id, name, added_at) VALUES ($1, $2, $3, 'Twin', now())`,
        [randomUUID(), atoId, candidateId],
      );
      const racing = h.as(atoStaff(atoId), ADD_TRAINER, {
        atoId,
        input: { candidateId, name: 'Twin Trainer' },
      });
      // commit only once the request waits on the index, i.e. its own check has already passed
      await eventually(
        async () => {
          const [{ waiting }] = await h.db.dataSource.query(
            `SELECT count(*)::int AS waiting FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO "trainer"%'`,
          );
          return waiting > 0 ? true : undefined;
        },
        10_000,
        'the request to wait on the unique index',
      );
      await twin.commitTransaction();
      const result = await racing;
      expect(errorCodes(result)).toEqual(['CONFLICT']);
      expect(result.errors![0].message).toBe('This candidate is already a trainer at this ATO');
    } finally {
      await twin.release();
    }
  });
});
