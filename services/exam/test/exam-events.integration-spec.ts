import { randomUUID } from 'node:crypto';
import { Events, wireSubject } from '@iso20000/events';
import { AckPolicy, DeliverPolicy, type JsMsg } from 'nats';
import { errorCodes, eventually } from '@iso20000/testing';
import { seedForms } from '../src/reference-data/scheme-reference-data';
import type { MultipleChoiceKey } from '../src/domain/marking';
import {
  ATTEND,
  candidate,
  inDays,
  MARK,
  REGISTER,
  SCHEDULE,
  staff,
  startExamHarness,
  type ExamHarness,
} from './exam-test-harness';

let h: ExamHarness;
beforeAll(async () => {
  h = await startExamHarness({ startBackground: true });
});
afterAll(() => h?.close());

it('learns ATO accreditation from accreditation events, and stops taking registrations when the ATO is suspended', async () => {
  const atoId = randomUUID();
  const changedAt = new Date(Date.now() - 60_000).toISOString();
  await h.publish(Events.AtoStatusChanged, {
    atoId,
    name: 'Service Academy',
    country: 'GB',
    status: 'ACCREDITED',
    previousStatus: 'UNDER_ASSESSMENT',
    reason: null,
    changedAt,
  });
  await eventually(
    async () =>
      (await h.db.dataSource.query(`SELECT status FROM ato_statuses WHERE ato_id = $1`, [atoId]))[0],
    10_000,
    'ATO status',
  );

  const scheduled = await h.ok<{ scheduleExamSession: { id: string } }>(staff, SCHEDULE, {
    input: {
      kind: 'ATO_COURSE',
      examCode: 'FOUNDATION',
      atoId,
      venue: 'Academy room 2',
      country: 'GB',
      startsAt: inDays(3),
      languages: ['en'],
      capacity: 10,
    },
  });
  const sessionId = scheduled.scheduleExamSession.id;
  await h.ok(candidate(), REGISTER, { input: { sessionId, language: 'en' } });

  await h.publish(Events.AtoStatusChanged, {
    atoId,
    name: 'Service Academy',
    country: 'GB',
    status: 'SUSPENDED',
    previousStatus: 'ACCREDITED',
    reason: 'Audit findings',
    changedAt: new Date().toISOString(),
  });
  // an older event arriving late must not undo the suspension
  await h.publish(Events.AtoStatusChanged, {
    atoId,
    name: 'Service Academy',
    country: 'GB',
    status: 'ACCREDITED',
    previousStatus: 'UNDER_ASSESSMENT',
    reason: null,
    changedAt: new Date(Date.now() - 120_000).toISOString(),
  });
  await eventually(
    async () =>
      (
        await h.db.dataSource.query(`SELECT 1 FROM ato_statuses WHERE ato_id = $1 AND status = 'SUSPENDED'`, [
          atoId,
        ])
      )[0],
    10_000,
    'suspension',
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(errorCodes(await h.as(candidate(), REGISTER, { input: { sessionId, language: 'en' } }))).toEqual([
    'FORBIDDEN',
  ]);
});

it('accepts a Foundation certificate announced by the certificate service as the Practitioner prerequisite', async () => {
  const person = candidate('Jo Prereq');
  const scheduled = await h.ok<{ scheduleExamSession: { id: string } }>(staff, SCHEDULE, {
    input: {
      kind: 'PUBLIC',
      examCode: 'PRACTITIONER',
      venue: 'Scheme office',
      country: 'GB',
      region: 'UK',
      startsAt: inDays(9),
      languages: ['en'],
      capacity: 10,
    },
  });
  const sessionId = scheduled.scheduleExamSession.id;
  expect(errorCodes(await h.as(person, REGISTER, { input: { sessionId, language: 'en' } }))).toEqual([
    'BAD_USER_INPUT',
  ]);
  const event = {
    certificateId: randomUUID(),
    number: 'ISO20K-F-000123',
    sittingId: randomUUID(),
    candidateId: person.candidateId!,
    holderName: 'Jo Prereq',
    examCode: 'FOUNDATION' as const,
    language: 'en',
    atoId: null,
    issuedAt: new Date().toISOString(),
    percentage: 80,
    trainerEligible: false,
  };
  await h.publish(Events.CertificateIssued, event);
  await h.publish(Events.CertificateIssued, event); // redelivery-like duplicate (other envelope id): still one qualification
  await eventually(
    async () =>
      (
        await h.db.dataSource.query(`SELECT 1 FROM candidate_qualifications WHERE candidate_id = $1`, [
          person.candidateId,
        ])
      )[0],
    10_000,
    'qualification',
  );
  const reg = await h.ok<{ registerForExam: { prerequisite: { status: string } } }>(person, REGISTER, {
    input: { sessionId, language: 'en' },
  });
  expect(reg.registerForExam.prerequisite.status).toBe('VERIFIED');
  expect(
    Number(
      (
        await h.db.dataSource.query(
          `SELECT count(*) AS n FROM candidate_qualifications WHERE candidate_id = $1`,
          [person.candidateId],
        )
      )[0].n,
    ),
  ).toBe(1);
});

it('publishes exam.sitting.released on NATS when a Foundation result is marked', async () => {
  const js = h.nc.jetstream();
  const jsm = await h.nc.jetstreamManager();
  const stream = `${h.namespace.toUpperCase()}_EXAM`;
  await jsm.consumers.add(stream, {
    durable_name: 'test-released',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: wireSubject('exam.sitting.released', h.namespace),
  });

  const person = candidate('Kim Released');
  const scheduled = await h.ok<{ scheduleExamSession: { id: string } }>(staff, SCHEDULE, {
    input: {
      kind: 'PUBLIC',
      examCode: 'FOUNDATION',
      venue: 'Library',
      country: 'JP',
      region: 'JAPAN',
      startsAt: inDays(2),
      languages: ['ja'],
      capacity: 10,
    },
  });
  const sittingId = (
    await h.ok<{ registerForExam: { id: string } }>(person, REGISTER, {
      input: { sessionId: scheduled.scheduleExamSession.id, language: 'ja' },
    })
  ).registerForExam.id;
  await h.ok(staff, ATTEND, { input: { sittingId, present: true } });
  const key = (
    seedForms().find((f) => f.examCode === 'FOUNDATION' && f.language === 'ja')!
      .answerKey as MultipleChoiceKey
  ).answers;
  await h.ok(staff, MARK, { input: { sittingId, answers: key.map((a, i) => (i < 35 ? a : null)) } });

  const consumer = await js.consumers.get(stream, 'test-released');
  const msg = await eventually<JsMsg>(
    async () => (await consumer.next({ expires: 1000 })) ?? undefined,
    10_000,
    'released event',
  );
  msg.ack();
  const envelope = JSON.parse(msg.string()) as { subject: string; payload: Record<string, unknown> };
  expect(envelope.subject).toBe('exam.sitting.released');
  expect(envelope.payload).toMatchObject({
    sittingId,
    candidateId: person.candidateId,
    candidateName: 'Kim Released',
    examCode: 'FOUNDATION',
    language: 'ja',
    score: 35,
    maxScore: 40,
    percentage: 87.5,
    passed: true,
    trainerEligible: false,
    atoId: null,
  });
});
