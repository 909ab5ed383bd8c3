import { randomUUID } from 'node:crypto';
import { eventually } from '@iso20000/testing';
import { inDays, ok as okThrough, startE2eSystem, type RunningSystem } from '../src/harness';

// register -> sit -> mark -> release through the gateway; the certificate service issues the
// certificate from exam.sitting.released (real NATS), the exam service learns of it from
// certificate.certificate.issued (Practitioner prerequisite), and a void revokes it.

let system: RunningSystem;
const ok = <T>(query: string, variables: Record<string, unknown> = {}, token?: string) =>
  okThrough<T>(system, query, variables, token);
let staff: string;

beforeAll(async () => {
  system = await startE2eSystem('e2e');
  staff = await system.token('scheme_staff');
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

const SCHEDULE = `mutation($input: ScheduleExamSessionInput!) { scheduleExamSession(input: $input) { id price { currency amount } } }`;
const REGISTER = `mutation($input: RegisterForExamInput!) { registerForExam(input: $input) { id state prerequisite { status } } }`;
const MY_CERTIFICATES = `{ me { id name sittings { edges { node { id state exam { code } result { score passed } } } }
  certificates(first: 10) { edges { node { number status examCode holderName } } } } }`;

type Me = {
  me: {
    id: string;
    name: string;
    sittings: {
      edges: Array<{
        node: {
          id: string;
          state: string;
          exam: { code: string };
          result: { score: number; passed: boolean } | null;
        };
      }>;
    };
    certificates: {
      edges: Array<{ node: { number: string; status: string; examCode: string; holderName: string } }>;
    };
  };
};

it('releases a Foundation result through the gateway, the certificate appears in me { certificates }, and a void revokes it', async () => {
  const candidateId = randomUUID();
  const candidate = await system.token('candidate', { candidateId, name: 'Grace Hopper' });

  const session = await ok<{
    scheduleExamSession: { id: string; price: { currency: string; amount: string } };
  }>(
    SCHEDULE,
    {
      input: {
        kind: 'PUBLIC',
        examCode: 'FOUNDATION',
        venue: 'Scheme office, London',
        country: 'GB',
        region: 'UK',
        startsAt: inDays(7),
        languages: ['en'],
        capacity: 25,
      },
    },
    staff,
  );
  expect(session.scheduleExamSession.price).toEqual({ currency: 'GBP', amount: '250.00' });

  const registered = await ok<{ registerForExam: { id: string; state: string } }>(
    REGISTER,
    { input: { sessionId: session.scheduleExamSession.id, language: 'en' } },
    candidate,
  );
  const sittingId = registered.registerForExam.id;
  expect(registered.registerForExam.state).toBe('REGISTERED');

  await ok(
    `mutation($id: ID!) { recordSittingAttendance(input: { sittingId: $id, present: true }) { state } }`,
    { id: sittingId },
    staff,
  );

  // The candidate's answer sheet: the key of form FND-EN-A, which only scheme staff may read.
  const forms = await ok<{
    examForms: { edges: Array<{ node: { id: string; answerKey: { answers: string[] } } }> };
  }>(
    `{ examForms(examCode: FOUNDATION, language: "en") { edges { node { id answerKey { answers } } } } }`,
    {},
    staff,
  );
  const keyAnswers = forms.examForms.edges[0].node.answerKey.answers;
  const sheet = keyAnswers.map((answer, i) => (i < 31 ? answer : null));
  expect(
    (await system.query(`{ examForms(examCode: FOUNDATION) { edges { node { id } } } }`, {}, candidate))
      .errors?.[0].extensions?.code,
  ).toBe('FORBIDDEN');

  const marked = await ok<{ markSitting: { state: string; result: { score: number; passed: boolean } } }>(
    `mutation($input: MarkSittingInput!) { markSitting(input: $input) { state result { score passed } } }`,
    { input: { sittingId, answers: sheet } },
    staff,
  );
  // Foundation is released on marking
  expect(marked.markSitting).toEqual({ state: 'RELEASED', result: { score: 31, passed: true } });

  const withCertificate = await eventually(
    async () => {
      const me = await ok<Me>(MY_CERTIFICATES, {}, candidate);
      return me.me.certificates.edges.some((e) => e.node.status === 'ISSUED') ? me : undefined;
    },
    30_000,
    'the Foundation certificate in me { certificates }',
  );
  expect(withCertificate.me.name).toBe('Grace Hopper');
  expect(withCertificate.me.sittings.edges.map((e) => e.node)).toEqual([
    { id: sittingId, state: 'RELEASED', exam: { code: 'FOUNDATION' }, result: { score: 31, passed: true } },
  ]);
  const certificate = withCertificate.me.certificates.edges[0].node;
  expect(certificate).toMatchObject({ status: 'ISSUED', examCode: 'FOUNDATION', holderName: 'Grace Hopper' });

  // The exam service learnt of the certificate from certificate.certificate.issued: the
  // Practitioner prerequisite is satisfied without staff verification.
  const practitioner = await ok<{ scheduleExamSession: { id: string } }>(
    SCHEDULE,
    {
      input: {
        kind: 'PUBLIC',
        examCode: 'PRACTITIONER',
        venue: 'Scheme office, London',
        country: 'GB',
        region: 'UK',
        startsAt: inDays(30),
        languages: ['en'],
        capacity: 25,
      },
    },
    staff,
  );
  const practitionerRegistration = await eventually(
    async () => {
      const result = await system.query<{ registerForExam: { prerequisite: { status: string } } }>(
        REGISTER,
        { input: { sessionId: practitioner.scheduleExamSession.id, language: 'en' } },
        candidate,
      );
      return result.errors?.length ? undefined : (result.data ?? undefined);
    },
    30_000,
    'the Practitioner prerequisite to be known',
  );
  expect(practitionerRegistration?.registerForExam.prerequisite.status).toBe('VERIFIED');

  // Malpractice found later: voiding the released sitting revokes its certificate.
  await ok(
    `mutation($id: ID!) { voidSitting(input: { sittingId: $id, reason: "Impersonation at the exam" }) { state } }`,
    { id: sittingId },
    staff,
  );
  const revoked = await eventually(
    async () => {
      const me = await ok<Me>(MY_CERTIFICATES, {}, candidate);
      return me.me.certificates.edges.find(
        (e) => e.node.number === certificate.number && e.node.status === 'REVOKED',
      );
    },
    30_000,
    'the certificate to be revoked',
  );
  expect(revoked.node.status).toBe('REVOKED');
});

it('never shows an unreleased Practitioner score to the candidate through the gateway', async () => {
  const candidateId = randomUUID();
  const candidate = await system.token('candidate', { candidateId, name: 'Alan Turing' });
  const session = await ok<{ scheduleExamSession: { id: string } }>(
    SCHEDULE,
    {
      input: {
        kind: 'PUBLIC',
        examCode: 'PRACTITIONER',
        venue: 'Public library, Leeds',
        country: 'GB',
        region: 'UK',
        startsAt: inDays(14),
        languages: ['en'],
        capacity: 10,
      },
    },
    staff,
  );
  const registered = await ok<{ registerForExam: { id: string; prerequisite: { status: string } } }>(
    REGISTER,
    {
      input: {
        sessionId: session.scheduleExamSession.id,
        language: 'en',
        bcsFoundationCertificateNumber: 'BCS-ISO20K-778812',
      },
    },
    candidate,
  );
  const sittingId = registered.registerForExam.id;
  expect(registered.registerForExam.prerequisite.status).toBe('PENDING');
  await ok(
    `mutation($id: ID!) { decideSittingPrerequisite(input: { sittingId: $id, approved: true, note: "BCS register checked" }) { id } }`,
    { id: sittingId },
    staff,
  );
  await ok(
    `mutation($id: ID!) { recordSittingAttendance(input: { sittingId: $id, present: true }) { state } }`,
    { id: sittingId },
    staff,
  );

  const forms = await ok<{
    examForms: {
      edges: Array<{ node: { answerKey: { questions: Array<{ items: Array<{ key: string }> }> } } }>;
    };
  }>(
    `{ examForms(examCode: PRACTITIONER, language: "en") { edges { node { answerKey { questions { items { key } } } } } } }`,
    {},
    staff,
  );
  const questions = forms.examForms.edges[0].node.answerKey.questions.map((q) => q.items.map((i) => i.key));
  await ok(
    `mutation($input: MarkSittingInput!) { markSitting(input: $input) { state } }`,
    { input: { sittingId, questions } },
    staff,
  );

  const hidden = await ok<{ sitting: { state: string; result: null } }>(
    `query($id: ID!) { sitting(id: $id) { state result { score } } }`,
    { id: sittingId },
    candidate,
  );
  expect(hidden.sitting).toEqual({ state: 'MARKED', result: null });
  const analyst = await system.token('analyst');
  expect(
    (await system.query(`query($id: ID!) { sitting(id: $id) { id } }`, { id: sittingId }, analyst))
      .errors?.[0].extensions?.code,
  ).toBe('FORBIDDEN');

  await ok(
    `mutation($id: ID!) { releaseSessionResults(sessionId: $id) { releasedCount } }`,
    { id: session.scheduleExamSession.id },
    staff,
  );
  const shown = await ok<{
    sitting: { state: string; result: { score: number; trainerEligible: boolean; releasedTo: string } };
  }>(
    `query($id: ID!) { sitting(id: $id) { state result { score trainerEligible releasedTo } } }`,
    { id: sittingId },
    candidate,
  );
  expect(shown.sitting).toEqual({
    state: 'RELEASED',
    result: { score: 80, trainerEligible: true, releasedTo: 'CANDIDATE' },
  });
});
