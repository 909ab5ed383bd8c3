import { randomUUID } from 'node:crypto';
import { eventually } from '@iso20000/testing';
import { inDays, ok as okThrough, startE2eSystem, type RunningSystem } from '../src/harness';

// Suspend an ATO through the gateway: accreditation records it and publishes
// accreditation.ato.status-changed (outbox -> JetStream); the exam service consumes it and refuses
// new registrations at that ATO's course sessions. Reinstating lets registrations in again.

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

const APPLY = `mutation($input: AtoApplicationInput!) { applyForAtoAccreditation(input: $input) { id status } }`;
const SCHEDULE = `mutation($input: ScheduleExamSessionInput!) { scheduleExamSession(input: $input) { id } }`;
const REGISTER = `mutation($input: RegisterForExamInput!) { registerForExam(input: $input) { id state } }`;

async function registerAs(sessionId: string) {
  const candidateId = randomUUID();
  const token = await system.token('candidate', {
    candidateId,
    name: `Candidate ${candidateId.slice(0, 6)}`,
  });
  return system.query<{ registerForExam: { id: string; state: string } }>(
    REGISTER,
    { input: { sessionId, language: 'en' } },
    token,
  );
}

it('refuses a new exam registration at a suspended ATO’s session, and accepts one again once reinstated', async () => {
  // An organization applies; scheme staff assess and accredit it, all through the gateway.
  const applied = await ok<{ applyForAtoAccreditation: { id: string; status: string } }>(APPLY, {
    input: {
      name: 'Suspension Test Academy',
      country: 'GB',
      companyDetails: { legalName: 'Suspension Test Academy Ltd', address: ['1 Test Street', 'London'] },
      contacts: [{ name: 'Ada Admin', email: 'ada@academy.example' }],
      examLevels: ['FOUNDATION'],
      languages: ['en'],
      deliveryModes: ['CLASSROOM'],
    },
  });
  const atoId = applied.applyForAtoAccreditation.id;
  expect(applied.applyForAtoAccreditation.status).toBe('APPLIED');
  await ok(`mutation($id: ID!) { beginAtoAssessment(atoId: $id) { status } }`, { id: atoId }, staff);
  await ok(
    `mutation($id: ID!) { decideAtoApplication(atoId: $id, decision: ACCREDIT, notes: "all criteria met") { status } }`,
    { id: atoId },
    staff,
  );

  // The exam service learns of the accreditation by event; until then it refuses the ATO's sessions.
  const atoStaff = await system.token('ato_staff', { atoId });
  const session = await eventually(
    async () => {
      const result = await system.query<{ scheduleExamSession: { id: string } }>(
        SCHEDULE,
        {
          input: {
            kind: 'ATO_COURSE',
            examCode: 'FOUNDATION',
            atoId,
            venue: 'Academy classroom, London',
            country: 'GB',
            startsAt: inDays(14),
            languages: ['en'],
            capacity: 20,
          },
        },
        atoStaff,
      );
      return result.data?.scheduleExamSession ?? undefined;
    },
    30_000,
    'the exam service to learn of the accreditation',
  );

  const before = await registerAs(session.id);
  expect(before.errors).toBeUndefined();
  expect(before.data?.registerForExam.state).toBe('REGISTERED');

  const suspended = await ok<{ suspendAto: { status: string } }>(
    `mutation($id: ID!) { suspendAto(atoId: $id, reason: "complaint under investigation") { status } }`,
    { id: atoId },
    staff,
  );
  expect(suspended.suspendAto.status).toBe('SUSPENDED');

  // Accreditation's public view drops it at once; the exam service follows by event.
  expect(
    (await ok<{ ato: unknown }>(`query($id: ID!) { ato(id: $id) { id } }`, { id: atoId })).ato,
  ).toBeNull();
  const refused = await eventually(
    async () => {
      const result = await registerAs(session.id);
      return result.errors?.length ? result : undefined;
    },
    30_000,
    'registrations at the suspended ATO to be refused',
  );
  // The exam service's rule: exams are taken through an accredited ATO only (it answers FORBIDDEN).
  expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  expect(refused.errors?.[0].message).toContain(
    `the training organization ${atoId} is not accredited (suspended)`,
  );
  expect(refused.data?.registerForExam ?? null).toBeNull();

  // The candidate registered before the suspension keeps their sitting.
  const sitting = await ok<{ sitting: { state: string } | null }>(
    `query($id: ID!) { sitting(id: $id) { state } }`,
    { id: before.data!.registerForExam.id },
    staff,
  );
  expect(sitting.sitting?.state).toBe('REGISTERED');

  await ok(
    `mutation($id: ID!) { reinstateAto(atoId: $id, reason: "investigation closed") { status } }`,
    { id: atoId },
    staff,
  );
  const accepted = await eventually(
    async () => {
      const result = await registerAs(session.id);
      return result.data?.registerForExam ?? undefined;
    },
    30_000,
    'registrations to be accepted again after reinstatement',
  );
  expect(accepted.state).toBe('REGISTERED');
});
