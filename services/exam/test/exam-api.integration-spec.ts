import { randomUUID } from 'node:crypto';
import { entitiesBy, pageOfEntities, paginate, type Connection } from '@iso20000/service-kit';
import { SITTING_ORDER } from '../src/resolvers/sitting-order';
import { entitiesBothWays, errorCodes } from '@iso20000/testing';
import { SCHEME_EXAMS } from '@iso20000/scheme';
import { seedForms } from '../src/reference-data/scheme-reference-data';
import { CandidateEntity } from '../src/entities/candidate.entity';
import { ExamFormEntity } from '../src/entities/exam-form.entity';
import { ExamSessionEntity } from '../src/entities/exam-session.entity';
import { ExamEntity } from '../src/entities/exam.entity';
import { SittingEntity } from '../src/entities/sitting.entity';
import type { AnswerOption, ComplexMultipleChoiceKey, MultipleChoiceKey } from '../src/domain/marking';
import {
  analyst,
  ATTEND,
  atoStaff,
  candidate,
  inDays,
  MARK,
  publicViewer,
  REGISTER,
  SCHEDULE,
  SITTING,
  staff,
  startExamHarness,
  type ExamHarness,
} from './exam-test-harness';

let h: ExamHarness;
const ATO = randomUUID();
const OTHER_ATO = randomUUID();
const SUSPENDED_ATO = randomUUID();

beforeAll(async () => {
  h = await startExamHarness();
  await h.setAtoStatus(ATO, 'ACCREDITED');
  await h.setAtoStatus(OTHER_ATO, 'ACCREDITED');
  await h.setAtoStatus(SUSPENDED_ATO, 'SUSPENDED');
});
afterAll(() => h?.close());

type Sched = {
  scheduleExamSession: { id: string; seatsTaken: number; price: { currency: string; amount: string } | null };
};
type Reg = {
  registerForExam: {
    id: string;
    state: string;
    route: string;
    prerequisite: { status: string };
    ato: { id: string } | null;
    price: { amount: string } | null;
  };
};

async function publicSession(examCode: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const data = await h.ok<Sched>(staff, SCHEDULE, {
    input: {
      kind: 'PUBLIC',
      examCode,
      venue: 'Central Library, London',
      country: 'GB',
      region: 'UK',
      startsAt: inDays(10),
      languages: ['en'],
      capacity: 30,
      ...overrides,
    },
  });
  return data.scheduleExamSession.id;
}
async function atoSession(
  examCode: string,
  atoId = ATO,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const data = await h.ok<Sched>(atoStaff(atoId), SCHEDULE, {
    input: {
      kind: 'ATO_COURSE',
      examCode,
      atoId,
      venue: 'ATO classroom',
      country: 'DE',
      startsAt: inDays(5),
      languages: ['en'],
      capacity: 12,
      ...overrides,
    },
  });
  return data.scheduleExamSession.id;
}
const sittingCount = async () =>
  Number((await h.db.dataSource.query(`SELECT count(*) AS n FROM sittings`))[0].n);

function key(examCode: string, language = 'en') {
  return seedForms().find((f) => f.examCode === examCode && f.language === language)!.answerKey;
}
const wrong = (o: AnswerOption): AnswerOption => (o === 'A' ? 'B' : 'A');
function mcAnswers(examCode: string, right: number): Array<AnswerOption | null> {
  return (key(examCode) as MultipleChoiceKey).answers.map((a, i) => (i < right ? a : wrong(a)));
}
/** Practitioner answers worth exactly `target` marks. */
function practitionerAnswers(target: number): Array<Array<AnswerOption>> {
  let remaining = target;
  return (key('PRACTITIONER') as ComplexMultipleChoiceKey).questions.map((q) =>
    q.items.map((item) => {
      if (item.marks <= remaining) {
        remaining -= item.marks;
        return item.key;
      }
      return wrong(item.key);
    }),
  );
}

describe('reference data', () => {
  it('serves the three exams exactly as the scheme publishes them, to anyone', async () => {
    const data = await h.ok<{ exams: Array<Record<string, unknown>> }>(
      publicViewer,
      `{ exams { code questionCount maxMarks passMark passPercentage durationMinutes book selfStudyAllowed prerequisite requiredAuditExperienceYears
                 trainerEligibilityPercentage trainerEligibilityScore marking resultRelease languages { tag } } }`,
    );
    expect(data.exams.map((e) => e.code)).toEqual(['FOUNDATION', 'PRACTITIONER', 'AUDITOR']);
    const byCode = Object.fromEntries(data.exams.map((e) => [e.code, e]));
    expect(byCode.FOUNDATION).toMatchObject({
      questionCount: 40,
      maxMarks: 40,
      passMark: 26,
      passPercentage: 65,
      durationMinutes: 60,
      book: 'CLOSED',
      selfStudyAllowed: true,
      trainerEligibilityScore: null,
      resultRelease: 'ON_MARKING',
      marking: 'ON_LOCATION_OR_CENTRAL',
    });
    expect(byCode.PRACTITIONER).toMatchObject({
      questionCount: 4,
      maxMarks: 80,
      passMark: 40,
      passPercentage: 50,
      durationMinutes: 180,
      book: 'OPEN',
      prerequisite: 'FOUNDATION_CERTIFICATE',
      trainerEligibilityPercentage: 66,
      trainerEligibilityScore: 53,
      resultRelease: 'CENTRAL',
    });
    expect(byCode.AUDITOR).toMatchObject({
      passMark: 26,
      selfStudyAllowed: false,
      prerequisite: 'AUDIT_EXPERIENCE',
      requiredAuditExperienceYears: 3,
      trainerEligibilityScore: 30,
    });
    expect((byCode.AUDITOR.languages as Array<{ tag: string }>).map((l) => l.tag)).toEqual([
      'en',
      'de',
      'ja',
      'pt',
      'zh-Hans',
      'zh-Hant',
      'es',
    ]);
  });

  it('pages through the regional prices, and lets only scheme staff change one', async () => {
    const first = await h.ok<{
      examPrices: {
        edges: Array<{ node: { region: string; price: { amount: string } } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    }>(
      publicViewer,
      `{ examPrices(examCode: FOUNDATION, first: 3) { edges { node { region price { currency amount } } } pageInfo { hasNextPage endCursor } } }`,
    );
    expect(first.examPrices.edges).toHaveLength(3);
    expect(first.examPrices.pageInfo.hasNextPage).toBe(true);
    const rest = await h.ok<{ examPrices: { edges: unknown[]; pageInfo: { hasNextPage: boolean } } }>(
      publicViewer,
      `query($after: String) { examPrices(examCode: FOUNDATION, first: 100, after: $after) { edges { node { region } } pageInfo { hasNextPage } } }`,
      { after: first.examPrices.pageInfo.endCursor },
    );
    expect(rest.examPrices.edges).toHaveLength(4);
    expect(rest.examPrices.pageInfo.hasNextPage).toBe(false);

    const set = `mutation($input: SetExamPriceInput!) { setExamPrice(input: $input) { region price { currency amount } } }`;
    const input = { examCode: 'FOUNDATION', region: 'JAPAN', price: { currency: 'JPY', amountMinor: 47000 } };
    expect(errorCodes(await h.as(candidate(), set, { input }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.as(staff, set, { input: { ...input, region: 'MARS' } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    const changed = await h.ok<{ setExamPrice: { price: { amount: string } } }>(staff, set, { input });
    expect(changed.setExamPrice.price).toEqual({ currency: 'JPY', amount: '47000' });
  });

  it('shows answer keys to scheme staff only', async () => {
    const q = `{ examForms(examCode: PRACTITIONER, language: "en") { edges { node { code answerKey { answers questions { number items { key marks } } } } } } }`;
    const data = await h.ok<{
      examForms: {
        edges: Array<{ node: { code: string; answerKey: { answers: null; questions: unknown[] } } }>;
      };
    }>(staff, q);
    expect(data.examForms.edges[0].node.code).toBe('PRA-EN-A');
    expect(data.examForms.edges[0].node.answerKey.questions).toHaveLength(4);
    for (const viewer of [candidate(), atoStaff(ATO), analyst])
      expect(errorCodes(await h.as(viewer, q))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.as(publicViewer, q))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('sessions', () => {
  it('prices a public session from its region and lets an accredited ATO schedule its own course sessions', async () => {
    const data = await h.ok<Sched>(staff, SCHEDULE, {
      input: {
        kind: 'PUBLIC',
        examCode: 'FOUNDATION',
        venue: 'Scheme office, Amsterdam',
        country: 'NL',
        region: 'EUROPE',
        startsAt: inDays(20),
        languages: ['en'],
        capacity: 20,
      },
    });
    expect(data.scheduleExamSession.price).toEqual({ currency: 'EUR', amountMinor: 29500, amount: '295.00' });
    await atoSession('FOUNDATION');
  });

  it('refuses sessions for a suspended ATO, for another ATO, and public sessions from ATO staff', async () => {
    const input = {
      kind: 'ATO_COURSE',
      examCode: 'FOUNDATION',
      venue: 'x',
      country: 'DE',
      startsAt: inDays(5),
      languages: ['en'],
      capacity: 5,
    };
    expect(
      errorCodes(
        await h.as(atoStaff(SUSPENDED_ATO), SCHEDULE, { input: { ...input, atoId: SUSPENDED_ATO } }),
      ),
    ).toEqual(['CONFLICT']);
    expect(
      errorCodes(await h.as(atoStaff(ATO), SCHEDULE, { input: { ...input, atoId: OTHER_ATO } })),
    ).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(await h.as(atoStaff(ATO), SCHEDULE, { input: { ...input, kind: 'PUBLIC', region: 'UK' } })),
    ).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(await h.as(staff, SCHEDULE, { input: { ...input, atoId: ATO, languages: ['fr'] } })),
    ).toEqual(['BAD_USER_INPUT']);
  });
});

describe('registration', () => {
  it('registers a candidate with the session price, and refuses each broken rule without changing anything', async () => {
    const sessionId = await publicSession('FOUNDATION', { capacity: 2, languages: ['en', 'ja'] });
    const ada = candidate('Ada Lovelace');
    const reg = await h.ok<Reg>(ada, REGISTER, { input: { sessionId, language: 'en' } });
    expect(reg.registerForExam).toMatchObject({
      state: 'REGISTERED',
      route: 'SELF_STUDY',
      prerequisite: { status: 'NOT_REQUIRED' },
      ato: null,
      price: { amount: '250.00' },
    });

    const before = await sittingCount();
    const failures: Array<[string, Record<string, unknown>, ReturnType<typeof candidate>]> = [
      ['BAD_USER_INPUT', { sessionId, language: 'de' }, candidate()], // not offered for Foundation
      ['CONFLICT', { sessionId, language: 'en' }, ada], // double registration
      ['BAD_USER_INPUT', { sessionId, language: 'en' }, { ...candidate(), name: undefined }], // no name on first registration
    ];
    for (const [code, input, viewer] of failures)
      expect(errorCodes(await h.as(viewer, REGISTER, { input }))).toEqual([code]);
    await h.ok(candidate(), REGISTER, { input: { sessionId, language: 'ja' } });
    expect(errorCodes(await h.as(candidate(), REGISTER, { input: { sessionId, language: 'en' } }))).toEqual([
      'CONFLICT',
    ]); // full
    expect(await sittingCount()).toBe(before + 1);
  });

  it('refuses registration through an ATO that is no longer accredited', async () => {
    const sessionId = await atoSession('FOUNDATION', OTHER_ATO);
    await h.setAtoStatus(OTHER_ATO, 'SUSPENDED');
    const result = await h.as(candidate(), REGISTER, { input: { sessionId, language: 'en' } });
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(result.errors?.[0].message).toMatch(/not accredited \(suspended\)/);
    await h.setAtoStatus(OTHER_ATO, 'ACCREDITED');
  });

  it('Practitioner: a scheme Foundation certificate is enough; a BCS number waits for staff; neither is refused', async () => {
    const sessionId = await publicSession('PRACTITIONER');
    const holder = candidate();
    await h.db.dataSource.query(
      `INSERT INTO candidate_qualifications (certificate_id, candidate_id, exam_code, certificate_number, sitting_id, issued_at) VALUES ($1, $2, 'FOUNDATION', 'F-1', $3, now())`,
      [randomUUID(), holder.candidateId, randomUUID()],
    );
    expect(
      (await h.ok<Reg>(holder, REGISTER, { input: { sessionId, language: 'en' } })).registerForExam
        .prerequisite.status,
    ).toBe('VERIFIED');
    const bcs = await h.ok<Reg>(candidate(), REGISTER, {
      input: { sessionId, language: 'en', bcsFoundationCertificateNumber: 'BCS-0042' },
    });
    expect(bcs.registerForExam.prerequisite.status).toBe('PENDING');
    expect(errorCodes(await h.as(candidate(), REGISTER, { input: { sessionId, language: 'en' } }))).toEqual([
      'BAD_USER_INPUT',
    ]);

    // a pending candidate cannot sit until staff decide
    const attend = await h.as(staff, ATTEND, {
      input: { sittingId: bcs.registerForExam.id, present: true },
    });
    expect(errorCodes(attend)).toEqual(['CONFLICT']);
    const decide = `mutation($input: DecideSittingPrerequisiteInput!) { decideSittingPrerequisite(input: $input) { state prerequisite { status decisionNote } } }`;
    expect(
      errorCodes(
        await h.as(candidate(), decide, { input: { sittingId: bcs.registerForExam.id, approved: true } }),
      ),
    ).toEqual(['FORBIDDEN']);
    const approved = await h.ok<{
      decideSittingPrerequisite: { state: string; prerequisite: { status: string } };
    }>(staff, decide, {
      input: { sittingId: bcs.registerForExam.id, approved: true, note: 'BCS register checked' },
    });
    expect(approved.decideSittingPrerequisite).toMatchObject({
      state: 'REGISTERED',
      prerequisite: { status: 'VERIFIED' },
    });
    expect(
      (
        await h.ok<{ recordSittingAttendance: { state: string } }>(staff, ATTEND, {
          input: { sittingId: bcs.registerForExam.id, present: true },
        })
      ).recordSittingAttendance.state,
    ).toBe('SAT');
  });

  it('Auditor: no self-study; three years of declared experience with evidence in an accredited course, approved by staff', async () => {
    const publicId = await publicSession('AUDITOR');
    const experience = { years: 3, evidence: 'Internal IT audits 2021-2024, references attached' };
    const selfStudy = await h.as(candidate(), REGISTER, {
      input: { sessionId: publicId, language: 'en', auditExperience: experience },
    });
    expect(errorCodes(selfStudy)).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(
        await h.as(candidate(), REGISTER, {
          input: {
            sessionId: publicId,
            language: 'en',
            courseAtoId: ATO,
            auditExperience: { years: 2, evidence: 'x' },
          },
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    const viaCourse = await h.ok<Reg>(candidate(), REGISTER, {
      input: { sessionId: publicId, language: 'en', courseAtoId: ATO, auditExperience: experience },
    });
    expect(viaCourse.registerForExam).toMatchObject({
      route: 'PUBLIC',
      ato: { id: ATO },
      prerequisite: { status: 'PENDING' },
    });

    const decide = `mutation($input: DecideSittingPrerequisiteInput!) { decideSittingPrerequisite(input: $input) { state prerequisite { status decisionNote } } }`;
    expect(
      errorCodes(
        await h.as(staff, decide, { input: { sittingId: viaCourse.registerForExam.id, approved: false } }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    const rejected = await h.ok<{
      decideSittingPrerequisite: { state: string; prerequisite: { status: string; decisionNote: string } };
    }>(staff, decide, {
      input: {
        sittingId: viaCourse.registerForExam.id,
        approved: false,
        note: 'Evidence shows financial, not IT, audits',
      },
    });
    expect(rejected.decideSittingPrerequisite).toEqual({
      state: 'CANCELLED',
      prerequisite: { status: 'REJECTED', decisionNote: 'Evidence shows financial, not IT, audits' },
    });
  });
});

describe('sitting lifecycle, marking and release', () => {
  it('Foundation: the ATO invigilator marks on location and the result is released on marking', async () => {
    const sessionId = await atoSession('FOUNDATION');
    const ben = candidate('Ben Marker');
    const { registerForExam: s } = await h.ok<Reg>(atoStaff(ATO), REGISTER, {
      input: { sessionId, language: 'en', candidateId: ben.candidateId, candidateName: 'Ben Marker' },
    });
    expect(s.route).toBe('ATO_COURSE');
    // marking before the candidate sat is an illegal transition
    expect(
      errorCodes(
        await h.as(staff, MARK, { input: { sittingId: s.id, answers: mcAnswers('FOUNDATION', 30) } }),
      ),
    ).toEqual(['CONFLICT']);
    expect(
      errorCodes(await h.as(atoStaff(OTHER_ATO), ATTEND, { input: { sittingId: s.id, present: true } })),
    ).toEqual(['FORBIDDEN']);
    await h.ok(atoStaff(ATO), ATTEND, { input: { sittingId: s.id, present: true } });
    expect(
      errorCodes(
        await h.as(atoStaff(ATO), MARK, {
          input: { sittingId: s.id, answers: mcAnswers('FOUNDATION', 30).slice(1) },
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(
      errorCodes(
        await h.as(atoStaff(ATO), MARK, {
          input: { sittingId: s.id, answers: [...mcAnswers('FOUNDATION', 30).slice(1), 'E'] },
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);

    const marked = await h.ok<{ markSitting: { state: string; result: Record<string, unknown> } }>(
      atoStaff(ATO),
      MARK,
      { input: { sittingId: s.id, answers: mcAnswers('FOUNDATION', 26) } },
    );
    expect(marked.markSitting.state).toBe('RELEASED');
    expect(marked.markSitting.result).toMatchObject({
      score: 26,
      maxScore: 40,
      percentage: 65,
      passed: true,
      trainerEligible: false,
      releasedTo: 'CANDIDATE',
    });

    const seen = await h.ok<{
      sitting: {
        result: { score: number };
        history: Array<{
          fromState: string | null;
          toState: string;
          actorRole: string;
          actorSubject: string;
        }>;
      };
    }>(ben, SITTING, { id: s.id });
    expect(seen.sitting.result.score).toBe(26);
    expect(seen.sitting.history.map((t) => `${t.fromState}->${t.toState} by ${t.actorRole}`)).toEqual([
      'null->REGISTERED by ato_staff',
      'REGISTERED->SAT by ato_staff',
      'SAT->MARKED by ato_staff',
      'MARKED->RELEASED by ato_staff',
    ]);
    const events = await h.db.dataSource.query(
      `SELECT subject, payload FROM outbox_event WHERE payload->>'sittingId' = $1`,
      [s.id],
    );
    expect(events).toEqual([
      expect.objectContaining({
        subject: 'exam.sitting.released',
        payload: expect.objectContaining({
          candidateName: 'Ben Marker',
          score: 26,
          passed: true,
          atoId: ATO,
        }),
      }),
    ]);
  });

  it('Practitioner: marked centrally, hidden until released, released to the ATO by batch release of the session', async () => {
    const sessionId = await atoSession('PRACTITIONER');
    const people = [candidate('Cleo'), candidate('Dev'), candidate('Eve')];
    const ids: string[] = [];
    for (const p of people) {
      await h.db.dataSource.query(
        `INSERT INTO candidate_qualifications (certificate_id, candidate_id, exam_code, certificate_number, sitting_id, issued_at) VALUES ($1, $2, 'FOUNDATION', $3, $4, now())`,
        [randomUUID(), p.candidateId, `F-${p.name}`, randomUUID()],
      );
      ids.push((await h.ok<Reg>(p, REGISTER, { input: { sessionId, language: 'en' } })).registerForExam.id);
      await h.ok(staff, ATTEND, { input: { sittingId: ids[ids.length - 1], present: true } });
    }
    expect(
      errorCodes(
        await h.as(atoStaff(ATO), MARK, {
          input: { sittingId: ids[0], questions: practitionerAnswers(60) },
        }),
      ),
    ).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(
        await h.as(staff, MARK, { input: { sittingId: ids[0], answers: mcAnswers('FOUNDATION', 30) } }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    const scores = [39, 52, 53];
    for (const [i, id] of ids.entries()) {
      const m = await h.ok<{
        markSitting: { state: string; result: { score: number; passed: boolean; trainerEligible: boolean } };
      }>(staff, MARK, { input: { sittingId: id, questions: practitionerAnswers(scores[i]) } });
      expect(m.markSitting.state).toBe('MARKED');
      expect(m.markSitting.result).toMatchObject({
        score: scores[i],
        passed: scores[i] >= 40,
        trainerEligible: scores[i] >= 53,
      });
    }
    // not released: neither the candidate nor the ATO sees a score yet
    expect(
      (await h.ok<{ sitting: { result: null; state: string } }>(people[2], SITTING, { id: ids[2] })).sitting,
    ).toMatchObject({ state: 'MARKED', result: null });
    expect(
      (await h.ok<{ sitting: { result: null } }>(atoStaff(ATO), SITTING, { id: ids[2] })).sitting.result,
    ).toBeNull();

    const batch = `mutation($id: ID!) { releaseSessionResults(sessionId: $id) { releasedCount released { id state } } }`;
    expect(errorCodes(await h.as(atoStaff(ATO), batch, { id: sessionId }))).toEqual(['FORBIDDEN']);
    const released = await h.ok<{ releaseSessionResults: { releasedCount: number } }>(staff, batch, {
      id: sessionId,
    });
    expect(released.releaseSessionResults.releasedCount).toBe(3);
    const atoView = await h.ok<{
      sitting: { result: { score: number; trainerEligible: boolean; releasedTo: string } };
    }>(atoStaff(ATO), SITTING, { id: ids[2] });
    expect(atoView.sitting.result).toMatchObject({ score: 53, trainerEligible: true, releasedTo: 'ATO' });
    // releasing again is an illegal transition
    expect(
      errorCodes(
        await h.as(staff, `mutation($id: ID!) { releaseSittingResult(sittingId: $id) { id } }`, {
          id: ids[0],
        }),
      ),
    ).toEqual(['CONFLICT']);
    const facts = await h.db.dataSource.query(
      `SELECT count(*) AS n FROM outbox_event WHERE subject = 'exam.sitting.released' AND payload->>'sessionId' = $1`,
      [sessionId],
    );
    expect(Number(facts[0].n)).toBe(3);
  });

  it('Auditor self-study is impossible, but a course candidate marked 29 vs 30 crosses the trainer line; voiding after release hides the result', async () => {
    const sessionId = await atoSession('AUDITOR', ATO, { languages: ['en', 'de'] });
    const experience = { years: 5, evidence: 'ISO 27001 lead auditor since 2019' };
    const [fay, gus] = [candidate('Fay'), candidate('Gus')];
    const ids: string[] = [];
    for (const p of [fay, gus]) {
      const id = (
        await h.ok<Reg>(p, REGISTER, { input: { sessionId, language: 'de', auditExperience: experience } })
      ).registerForExam.id;
      await h.ok(
        staff,
        `mutation($input: DecideSittingPrerequisiteInput!) { decideSittingPrerequisite(input: $input) { id } }`,
        { input: { sittingId: id, approved: true } },
      );
      await h.ok(staff, ATTEND, { input: { sittingId: id, present: true } });
      ids.push(id);
    }
    const deKey = (key('AUDITOR', 'de') as MultipleChoiceKey).answers;
    const answers = (right: number) => deKey.map((a, i) => (i < right ? a : wrong(a)));
    const r29 = await h.ok<{ markSitting: { result: { trainerEligible: boolean; passed: boolean } } }>(
      staff,
      MARK,
      { input: { sittingId: ids[0], answers: answers(29) } },
    );
    const r30 = await h.ok<{ markSitting: { result: { trainerEligible: boolean } } }>(staff, MARK, {
      input: { sittingId: ids[1], answers: answers(30) },
    });
    expect(r29.markSitting.result).toMatchObject({ passed: true, trainerEligible: false });
    expect(r30.markSitting.result.trainerEligible).toBe(true);
    await h.ok(staff, `mutation($id: ID!) { releaseSittingResult(sittingId: $id) { id } }`, { id: ids[1] });
    expect(
      (await h.ok<{ sitting: { result: { score: number } } }>(gus, SITTING, { id: ids[1] })).sitting.result
        .score,
    ).toBe(30);

    const fact = `SELECT count(*)::int AS n FROM statistics_result_fact WHERE sitting_id = $1`;
    expect((await h.db.dataSource.query(fact, [ids[1]]))[0].n).toBe(1); // released: counted in the statistics
    expect((await h.db.dataSource.query(fact, [ids[0]]))[0].n).toBe(0); // marked, not released: not yet
    const voidIt = `mutation($input: VoidSittingInput!) { voidSitting(input: $input) { state voidReason } }`;
    expect(errorCodes(await h.as(staff, voidIt, { input: { sittingId: ids[1], reason: '  ' } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(
      errorCodes(await h.as(atoStaff(ATO), voidIt, { input: { sittingId: ids[1], reason: 'copied' } })),
    ).toEqual(['FORBIDDEN']);
    const voided = await h.ok<{ voidSitting: { state: string; voidReason: string } }>(staff, voidIt, {
      input: { sittingId: ids[1], reason: 'Answer sheet copied from neighbour' },
    });
    expect(voided.voidSitting).toEqual({ state: 'VOIDED', voidReason: 'Answer sheet copied from neighbour' });
    expect(
      (await h.ok<{ sitting: { result: null; state: string } }>(gus, SITTING, { id: ids[1] })).sitting,
    ).toMatchObject({ state: 'VOIDED', result: null });
    expect(errorCodes(await h.as(staff, voidIt, { input: { sittingId: ids[1], reason: 'again' } }))).toEqual([
      'CONFLICT',
    ]);
    const voidEvents = await h.db.dataSource.query(
      `SELECT payload FROM outbox_event WHERE subject = 'exam.sitting.voided' AND payload->>'sittingId' = $1`,
      [ids[1]],
    );
    expect(voidEvents).toHaveLength(1);
    // the sitting's ATO travels with the void, for the ATO's own subscriptions and webhooks
    const [{ ato_id: sittingAto }] = await h.db.dataSource.query(
      `SELECT ato_id FROM sittings WHERE id = $1`,
      [ids[1]],
    );
    expect(voidEvents[0].payload.atoId).toBe(sittingAto);
    expect((await h.db.dataSource.query(fact, [ids[1]]))[0].n).toBe(0); // voided: taken out of the statistics
  });

  it('keeps every attempt: an absent candidate resits in another session', async () => {
    const hal = candidate('Hal');
    const first = await publicSession('FOUNDATION');
    const second = await publicSession('FOUNDATION', { startsAt: inDays(40) });
    const a = (await h.ok<Reg>(hal, REGISTER, { input: { sessionId: first, language: 'en' } }))
      .registerForExam.id;
    await h.ok(staff, ATTEND, { input: { sittingId: a, present: false } });
    await h.ok<Reg>(hal, REGISTER, { input: { sessionId: second, language: 'en' } });
    const me = await h.ok<{ me: { name: string; sittings: { edges: Array<{ node: { state: string } }> } } }>(
      hal,
      `{ me { name sittings { edges { node { state } } } } }`,
    );
    expect(me.me.name).toBe('Hal');
    expect(me.me.sittings.edges.map((e) => e.node.state)).toEqual(['ABSENT', 'REGISTERED']);
  });
});

describe('who sees what', () => {
  let sittingId: string;
  let owner: ReturnType<typeof candidate>;
  beforeAll(async () => {
    owner = candidate('Ivy');
    const sessionId = await atoSession('FOUNDATION');
    sittingId = (await h.ok<Reg>(owner, REGISTER, { input: { sessionId, language: 'en' } })).registerForExam
      .id;
  });

  it('lets the candidate, their ATO and scheme staff see the sitting; nobody else', async () => {
    for (const viewer of [owner, atoStaff(ATO), staff])
      expect((await h.ok<{ sitting: { id: string } }>(viewer, SITTING, { id: sittingId })).sitting.id).toBe(
        sittingId,
      );
    for (const viewer of [candidate(), atoStaff(OTHER_ATO), analyst])
      expect(errorCodes(await h.as(viewer, SITTING, { id: sittingId }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.as(publicViewer, SITTING, { id: sittingId }))).toEqual(['UNAUTHENTICATED']);
  });

  it('scopes the sittings list to the viewer, and refuses analysts', async () => {
    const list = `query($f: SittingFilter) { sittings(filter: $f, first: 100) { edges { node { id candidate { id } } } } }`;
    const mine = await h.ok<{ sittings: { edges: Array<{ node: { candidate: { id: string } } }> } }>(
      owner,
      list,
    );
    expect(mine.sittings.edges.map((e) => e.node.candidate.id)).toEqual([owner.candidateId]);
    const atoList = await h.ok<{ sittings: { edges: Array<{ node: { id: string } }> } }>(
      atoStaff(OTHER_ATO),
      list,
    );
    expect(atoList.sittings.edges.map((e) => e.node.id)).not.toContain(sittingId);
    expect(errorCodes(await h.as(owner, list, { f: { candidateId: randomUUID() } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.as(analyst, list))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.as(atoStaff(ATO), list, { f: { atoId: OTHER_ATO } }))).toEqual(['FORBIDDEN']);
  });

  it('never shows item responses, forms or keys to anyone but scheme staff', async () => {
    const q = `query($id: ID!) { sitting(id: $id) { itemResponses { itemNumber } form { code } } }`;
    expect(
      (await h.ok<{ sitting: { itemResponses: null; form: null } }>(owner, q, { id: sittingId })).sitting,
    ).toEqual({ itemResponses: null, form: null });
  });

  it('resolves Sitting references for the gateway with the same rules', async () => {
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Sitting { id state } ... on Exam { code passMark } } }`;
    const r = [
      { __typename: 'Sitting', id: sittingId },
      { __typename: 'Exam', code: 'AUDITOR' },
    ];
    const data = await h.ok<{ _entities: unknown[] }>(owner, q, { r });
    expect(data._entities).toEqual([
      { id: sittingId, state: 'REGISTERED' },
      { code: 'AUDITOR', passMark: 26 },
    ]);
    expect(errorCodes(await h.as(candidate(), q, { r }))).toEqual(['FORBIDDEN']);
  });
});

describe('cost of a list', () => {
  it('lists sittings with their exams, candidates and sessions in a constant number of SQL statements', async () => {
    const sessionId = await publicSession('FOUNDATION', { capacity: 200 });
    const rows = Array.from({ length: 110 }, (_, i) => [randomUUID(), randomUUID(), `Candidate ${i}`]);
    await h.db.dataSource.query(
      `INSERT INTO candidates (id, name, created_at) SELECT c, n, now() FROM unnest($1::uuid[], $2::text[]) AS t(c, n)`,
      [rows.map((r) => r[1]), rows.map((r) => r[2])],
    );
    await h.db.dataSource.query(
      `INSERT INTO sittings (id, candidate_id, session_id, exam_code, language, route, state, sat_on, prerequisite_status, registered_at, registered_by)
       SELECT s, c, $3, 'FOUNDATION', 'en', 'SELF_STUDY', 'REGISTERED', current_date, 'NOT_REQUIRED', now() + (o * interval '1 ms'), 'test'
       FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS t(s, c, o)`,
      [rows.map((r) => r[0]), rows.map((r) => r[1]), sessionId],
    );
    const q = `query($first: Int, $s: ID) { sittings(first: $first, filter: { sessionId: $s }) { edges { node { id exam { code passMark } candidate { name } session { venue seatsTaken } } } } }`;
    const count = async (first: number) => {
      const { result, statements } = await h.db.sql.measure(() => h.as(staff, q, { first, s: sessionId }));
      expect(result.errors).toBeUndefined();
      expect((result.data as { sittings: { edges: unknown[] } }).sittings.edges).toHaveLength(first);
      return statements.length;
    };
    const for10 = await count(10);
    const for100 = await count(100);
    expect(for100).toBe(for10);
    expect(for100).toBeLessThanOrEqual(5);
  });

  it("loads exams, forms, candidates, sessions and sittings exactly as TypeORM's findBy hydrates them", async () => {
    // The loaders read through entitiesBy (one statement shaped once from the metadata); every row
    // this file made (released, voided, absent, with prices and decisions) must come out the same.
    const m = h.db.dataSource.manager;
    for (const target of [CandidateEntity, ExamFormEntity, ExamSessionEntity, SittingEntity] as const) {
      const { found, loaded } = await entitiesBothWays<{ id: string }>(h.db.dataSource, target);
      expect(found.length).toBeGreaterThan(0);
      expect(loaded).toStrictEqual(found);
    }
    const sittings = await m.find(SittingEntity);
    expect(sittings.some((s) => s.score !== null && s.releasedAt !== null && s.percentage !== null)).toBe(
      true,
    );
    const exams = await m.find(ExamEntity);
    const loaded = await entitiesBy(
      h.db.dataSource,
      ExamEntity,
      'code',
      exams.map((e) => e.code),
    );
    const byCode = (rows: ExamEntity[]) => [...rows].sort((a, b) => a.code.localeCompare(b.code));
    expect(byCode(loaded)).toStrictEqual(byCode(exams));
    expect(await entitiesBy(h.db.dataSource, SittingEntity, 'id', [])).toEqual([]);
  });

  it("pages a candidate's sittings exactly as the query builder's paginate does", async () => {
    // The dashboard's list goes through pageOfEntities; paginate over the query builder is the
    // reference, for every candidate, with and without an ATO's scope, at three page sizes.
    const m = h.db.dataSource.manager;
    // one candidate with sittings at two ATOs, two of them registered at the same instant (the id decides)
    const model = await m.findOneByOrFail(SittingEntity, { atoId: ATO });
    const at = new Date('2026-03-01T10:00:00.000Z');
    await m.save(
      [ATO, OTHER_ATO, OTHER_ATO, ATO, OTHER_ATO].map((atoId, i) =>
        Object.assign(new SittingEntity(), {
          ...model,
          id: randomUUID(),
          candidateId: model.candidateId,
          atoId,
          registeredAt: i < 2 ? at : new Date(at.getTime() + i * 60_000),
        }),
      ),
    );
    const pairs = (await h.db.dataSource.query(
      `SELECT DISTINCT candidate_id, ato_id FROM sittings WHERE ato_id IS NOT NULL`,
    )) as Array<{ candidate_id: string; ato_id: string }>;
    const candidates = [...new Set(pairs.map((pair) => pair.candidate_id))];
    expect(candidates.length).toBeGreaterThan(2);
    const everyPage = async (
      page: (after: string | undefined) => Promise<Connection<SittingEntity>>,
    ): Promise<Connection<SittingEntity>[]> => {
      const pages: Connection<SittingEntity>[] = [];
      let after: string | undefined;
      do {
        const next = await page(after);
        pages.push(next);
        after = next.pageInfo.hasNextPage ? (next.pageInfo.endCursor ?? undefined) : undefined;
      } while (after && pages.length < 100);
      return pages;
    };
    let sittings = 0;
    const scopes = [
      ...candidates.map((candidateId) => ({ candidateId, atoId: undefined })),
      ...pairs.map((pair) => ({ candidateId: pair.candidate_id, atoId: pair.ato_id })),
    ];
    for (const { candidateId, atoId } of scopes) {
      for (const first of [1, 2, 20]) {
        const expected = await everyPage((after) => {
          const qb = m
            .createQueryBuilder(SittingEntity, 's')
            .where('s.candidateId = :candidateId', { candidateId });
          if (atoId) qb.andWhere('s.atoId = :atoId', { atoId });
          return paginate(qb, SITTING_ORDER, { first, after });
        });
        const paged = await everyPage((after) =>
          pageOfEntities(h.db.dataSource, SittingEntity, 's', { candidateId, atoId }, SITTING_ORDER, {
            first,
            after,
          }),
        );
        expect(paged).toStrictEqual(expected);
        sittings += expected.flatMap((p) => p.edges).length;
      }
    }
    expect(sittings).toBeGreaterThan(scopes.length);
    // a cursor of another list is refused before SQL, as paginate refuses it
    await expect(
      pageOfEntities(h.db.dataSource, SittingEntity, 's', { candidateId: candidates[0] }, SITTING_ORDER, {
        after: Buffer.from(JSON.stringify(['x'])).toString('base64url'),
      }),
    ).rejects.toThrow('not one this list issued');
  });
});

it('knows every exam of the reference data', () => {
  expect(SCHEME_EXAMS.map((e) => e.code)).toEqual(['FOUNDATION', 'PRACTITIONER', 'AUDITOR']);
});
