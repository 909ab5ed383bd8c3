import { randomUUID } from 'node:crypto';
import { Events } from '@iso20000/events';
import { entitiesBothWays, errorCodes } from '@iso20000/testing';
import { AtoEntity } from '../src/entities/ato.entity';
import { RcbEntity } from '../src/entities/rcb.entity';
import { TrainerEntity } from '../src/entities/trainer.entity';
import {
  accreditedAto,
  appointedRcb,
  APPLY_ATO,
  atoApplication,
  atoStaff,
  eventually,
  publicViewer,
  schemeStaff,
  startHarness,
  type Harness,
} from './harness';

let h: Harness;
let atoId: string;
let staff: ReturnType<typeof atoStaff>;
beforeAll(async () => {
  h = await startHarness();
  atoId = await accreditedAto(h, {
    name: 'Course Academy',
    examLevels: ['FOUNDATION', 'PRACTITIONER', 'AUDITOR'],
  });
  staff = atoStaff(atoId);
});
afterAll(() => h.close());

const CREATE_COURSE = `mutation($atoId: ID!, $input: CourseInput!) { createCourse(atoId: $atoId, input: $input) { id examCode language trainer { id name } } }`;
const course = (overrides: Record<string, unknown> = {}) => ({
  examCode: 'PRACTITIONER',
  language: 'de',
  country: 'DE',
  deliveryMode: 'CLASSROOM',
  startsOn: '2099-03-01',
  endsOn: '2099-03-03',
  examIncluded: true,
  ...overrides,
});

async function certificateFor(
  candidateId: string,
  examCode: 'FOUNDATION' | 'PRACTITIONER' | 'AUDITOR',
  percentage: number,
  number: string,
): Promise<string> {
  const certificateId = randomUUID();
  await h.publish(Events.CertificateIssued, {
    certificateId,
    number,
    sittingId: randomUUID(),
    candidateId,
    holderName: 'Tara Trainer',
    examCode,
    language: 'en',
    atoId: null,
    issuedAt: new Date().toISOString(),
    percentage,
    trainerEligible:
      examCode === 'PRACTITIONER' ? percentage >= 66 : examCode === 'AUDITOR' ? percentage >= 75 : false,
  });
  return certificateId;
}

async function addTrainer(candidateId: string, name: string): Promise<string> {
  const result = await h.ok<{ addTrainer: { id: string } }>(
    staff,
    `mutation($atoId: ID!, $input: TrainerInput!) { addTrainer(atoId: $atoId, input: $input) { id } }`,
    { atoId, input: { candidateId, name } },
  );
  return result.addTrainer.id;
}

const ELIGIBILITY = `query($id: ID!) { ato(id: $id) { trainers { edges { node { id name eligibility { examCode eligible reason certificateNumber } } } } } }`;
type Eligibility = { examCode: string; eligible: boolean; reason: string; certificateNumber: string | null };

describe('courses', () => {
  it('accepts a course in a language the exam is offered in, and shows it publicly', async () => {
    const created = await h.as<{ createCourse: { id: string } }>(staff, CREATE_COURSE, {
      atoId,
      input: course(),
    });
    expect(created.errors).toBeUndefined();
    const view = await h.as<{ ato: { courses: { edges: { node: { id: string; language: string } }[] } } }>(
      publicViewer,
      `query($id: ID!) { ato(id: $id) { courses { edges { node { id language examIncluded } } } } }`,
      { id: atoId },
    );
    expect(view.data!.ato.courses.edges.map((e) => e.node.id)).toContain(created.data!.createCourse.id);
  });

  it('refuses a language the exam is not offered in, naming the ones it is', async () => {
    const result = await h.as(staff, CREATE_COURSE, { atoId, input: course({ language: 'es' }) });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0].message).toBe(
      'the Practitioner exam is not offered in "es"; choose one of: de, en, ja, pt-BR, zh-Hant',
    );
  });

  it('refuses self-study for the Auditor exam', async () => {
    const result = await h.as(staff, CREATE_COURSE, {
      atoId,
      input: course({ examCode: 'AUDITOR', deliveryMode: 'SELF_STUDY', startsOn: null, endsOn: null }),
    });
    expect(result.errors![0].message).toMatch(/requires an accredited course: self-study is not allowed/);
  });

  it('refuses a level the ATO is not accredited for, and courses from a suspended ATO', async () => {
    const foundationOnly = await accreditedAto(h, { name: 'Foundation Only', examLevels: ['FOUNDATION'] });
    const notAccredited = await h.as(atoStaff(foundationOnly), CREATE_COURSE, {
      atoId: foundationOnly,
      input: course(),
    });
    expect(notAccredited.errors![0].message).toBe(
      'This ATO is accredited for FOUNDATION only, not PRACTITIONER',
    );
    await h.as(schemeStaff, `mutation($id: ID!) { suspendAto(atoId: $id, reason: "audit") { status } }`, {
      id: foundationOnly,
    });
    const suspended = await h.as(atoStaff(foundationOnly), CREATE_COURSE, {
      atoId: foundationOnly,
      input: course({ examCode: 'FOUNDATION', language: 'en' }),
    });
    expect(errorCodes(suspended)).toEqual(['CONFLICT']);
  });

  it('lets only the ATO’s own staff and scheme staff manage its courses', async () => {
    const other = await accreditedAto(h, { name: 'Other Academy' });
    expect(errorCodes(await h.as(atoStaff(other), CREATE_COURSE, { atoId, input: course() }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(errorCodes(await h.as(publicViewer, CREATE_COURSE, { atoId, input: course() }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect((await h.as(schemeStaff, CREATE_COURSE, { atoId, input: course() })).errors).toBeUndefined();
  });
});

describe('trainers', () => {
  it('shows per trainer and level why they are or are not eligible, from certificate events', async () => {
    const strong = randomUUID();
    const weak = randomUUID();
    await certificateFor(strong, 'PRACTITIONER', 70, 'ISO-P-0001');
    await certificateFor(weak, 'PRACTITIONER', 60, 'ISO-P-0002');
    await certificateFor(weak, 'AUDITOR', 80, 'ISO-A-0003');
    const strongId = await addTrainer(strong, 'Alex Strong');
    const weakId = await addTrainer(weak, 'Bea Weak');

    const trainers = await eventually(
      async () => {
        const result = await h.as<{
          ato: { trainers: { edges: { node: { id: string; eligibility: Eligibility[] } }[] } };
        }>(staff, ELIGIBILITY, { id: atoId });
        const byId = new Map(result.data!.ato.trainers.edges.map((e) => [e.node.id, e.node.eligibility]));
        const weakAuditor = byId.get(weakId)?.find((e) => e.examCode === 'AUDITOR');
        const strongPractitioner = byId.get(strongId)?.find((e) => e.examCode === 'PRACTITIONER');
        return weakAuditor?.eligible && strongPractitioner?.eligible ? byId : undefined;
      },
      10_000,
      'the certificates to arrive',
    );

    expect(trainers.get(strongId)).toEqual([
      {
        examCode: 'FOUNDATION',
        eligible: false,
        reason: 'holds no Foundation certificate of this scheme',
        certificateNumber: null,
      },
      {
        examCode: 'PRACTITIONER',
        eligible: true,
        reason: 'Practitioner certificate ISO-P-0001 scored 70% (trainers need at least 66%)',
        certificateNumber: 'ISO-P-0001',
      },
      {
        examCode: 'AUDITOR',
        eligible: false,
        reason: 'holds no Auditor certificate of this scheme',
        certificateNumber: null,
      },
    ]);
    expect(trainers.get(weakId)!.find((e) => e.examCode === 'PRACTITIONER')).toEqual({
      examCode: 'PRACTITIONER',
      eligible: false,
      reason: 'best Practitioner score is 60% (certificate ISO-P-0002); trainers need at least 66%',
      certificateNumber: 'ISO-P-0002',
    });

    // An ineligible trainer cannot deliver the course; an eligible one can.
    const refused = await h.as(staff, CREATE_COURSE, { atoId, input: course({ trainerId: weakId }) });
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0].message).toBe(
      'Bea Weak may not deliver a PRACTITIONER course: best Practitioner score is 60% (certificate ISO-P-0002); trainers need at least 66%',
    );
    const accepted = await h.as<{ createCourse: { id: string; trainer: { name: string } } }>(
      staff,
      CREATE_COURSE,
      { atoId, input: course({ trainerId: strongId }) },
    );
    expect(accepted.data!.createCourse.trainer).toEqual({ id: strongId, name: 'Alex Strong' });
    const auditorCourse = await h.as(staff, CREATE_COURSE, {
      atoId,
      input: course({ examCode: 'AUDITOR', trainerId: weakId }),
    });
    expect(auditorCourse.errors).toBeUndefined();

    // The public sees the course, not who trains it.
    const publicView = await h.as(
      publicViewer,
      `query($id: ID!) { ato(id: $id) { trainers { edges { cursor } } } }`,
      { id: atoId },
    );
    expect(errorCodes(publicView)).toEqual(['FORBIDDEN']);

    // A trainer who still delivers an upcoming course cannot be removed.
    const removal = await h.as(staff, `mutation($id: ID!) { removeTrainer(trainerId: $id) { id } }`, {
      id: strongId,
    });
    expect(errorCodes(removal)).toEqual(['CONFLICT']);
  });

  it('withdraws eligibility when the certificate is revoked', async () => {
    const person = randomUUID();
    const certificateId = await certificateFor(person, 'AUDITOR', 90, 'ISO-A-0009');
    const trainerId = await addTrainer(person, 'Rex Revoked');
    const auditorOf = async () => {
      const result = await h.as<{
        ato: { trainers: { edges: { node: { id: string; eligibility: Eligibility[] } }[] } };
      }>(staff, ELIGIBILITY, { id: atoId });
      return result
        .data!.ato.trainers.edges.find((e) => e.node.id === trainerId)!
        .node.eligibility.find((e) => e.examCode === 'AUDITOR')!;
    };
    await eventually(
      async () => ((await auditorOf()).eligible ? true : undefined),
      10_000,
      'the certificate',
    );
    await h.publish(Events.CertificateRevoked, {
      certificateId,
      number: 'ISO-A-0009',
      sittingId: randomUUID(),
      candidateId: person,
      reason: 'malpractice',
      revokedAt: new Date().toISOString(),
    });
    const after = await eventually(
      async () => {
        const eligibility = await auditorOf();
        return eligibility.eligible ? undefined : eligibility;
      },
      10_000,
      'the revocation',
    );
    expect(after.reason).toBe('Auditor certificate ISO-A-0009 was revoked');
  });

  it('refuses the same person twice at one ATO', async () => {
    const person = randomUUID();
    await addTrainer(person, 'Dee Double');
    const again = await h.as(
      staff,
      `mutation($atoId: ID!, $input: TrainerInput!) { addTrainer(atoId: $atoId, input: $input) { id } }`,
      { atoId, input: { candidateId: person, name: 'Dee Double' } },
    );
    expect(errorCodes(again)).toEqual(['CONFLICT']);
  });
});

describe('certificate delivery preference and logo licence', () => {
  const SET_PREFERENCE = `mutation($atoId: ID!, $input: CertificateDeliveryPreferenceInput!) {
    setCertificateDeliveryPreference(atoId: $atoId, input: $input) { certificateDeliveryPreference { format recipient atoAddress { city } } } }`;

  it('records the preference and publishes it for the certificate service', async () => {
    const input = {
      format: 'PAPER_AND_ELECTRONIC',
      recipient: 'ATO',
      atoAddress: {
        recipientName: 'Course Academy',
        lines: ['1 Ring'],
        city: 'Berlin',
        postalCode: '10115',
        country: 'de',
      },
    };
    const result = await h.as(staff, SET_PREFERENCE, { atoId, input });
    expect(result.data).toEqual({
      setCertificateDeliveryPreference: {
        certificateDeliveryPreference: {
          format: 'PAPER_AND_ELECTRONIC',
          recipient: 'ATO',
          atoAddress: { city: 'Berlin' },
        },
      },
    });
    const rows: { payload: { atoId: string; format: string; atoAddress: { country: string } } }[] =
      await h.db.dataSource.query(
        `SELECT payload FROM outbox_event WHERE subject = 'accreditation.ato.delivery-preference-changed'`,
      );
    expect(rows.map((r) => r.payload)).toEqual([
      expect.objectContaining({
        atoId,
        format: 'PAPER_AND_ELECTRONIC',
        atoAddress: expect.objectContaining({ country: 'DE' }),
      }),
    ]);
  });

  it('needs an address for paper via the ATO, and is refused to other ATOs', async () => {
    const missing = await h.as(staff, SET_PREFERENCE, {
      atoId,
      input: { format: 'PAPER_AND_ELECTRONIC', recipient: 'ATO' },
    });
    expect(errorCodes(missing)).toEqual(['BAD_USER_INPUT']);
    const other = await accreditedAto(h, { name: 'Nosy Academy' });
    expect(
      errorCodes(
        await h.as(atoStaff(other), SET_PREFERENCE, {
          atoId,
          input: { format: 'ELECTRONIC_ONLY', recipient: 'CANDIDATE' },
        }),
      ),
    ).toEqual(['FORBIDDEN']);
  });

  it('lets scheme staff license the logo to an accredited ATO only', async () => {
    const SET_LOGO = `mutation($atoId: ID!, $input: AtoLogoLicenceInput!) { setAtoLogoLicence(atoId: $atoId, input: $input) { logoLicensed logoLicence { licensed validFrom validUntil } } }`;
    const input = { licensed: true, validFrom: '2020-01-01', validUntil: '2099-12-31' };
    expect(errorCodes(await h.as(staff, SET_LOGO, { atoId, input }))).toEqual(['FORBIDDEN']);
    const granted = await h.as(schemeStaff, SET_LOGO, { atoId, input });
    expect(granted.data).toEqual({ setAtoLogoLicence: { logoLicensed: true, logoLicence: input } });
    const applied = await h.as<{ applyForAtoAccreditation: { id: string } }>(publicViewer, APPLY_ATO, {
      input: atoApplication({ name: 'Too Early' }),
    });
    const early = await h.as(schemeStaff, SET_LOGO, {
      atoId: applied.data!.applyForAtoAccreditation.id,
      input,
    });
    expect(errorCodes(early)).toEqual(['CONFLICT']);
  });
});

it("loads ATOs, RCBs and trainers exactly as TypeORM's find hydrates them", async () => {
  // The by-id loaders read through entitiesBy; every row this file made must come out the same.
  await appointedRcb(h);
  for (const target of [AtoEntity, RcbEntity, TrainerEntity] as const) {
    const { found, loaded } = await entitiesBothWays<{ id: string }>(h.db.dataSource, target);
    expect(found.length).toBeGreaterThan(0);
    expect(loaded).toStrictEqual(found);
  }
});
