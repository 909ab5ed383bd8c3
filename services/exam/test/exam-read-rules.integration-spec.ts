import { randomUUID } from 'node:crypto';
import type { Viewer } from '@iso20000/auth';
import { errorCodes, viewers } from '@iso20000/testing';
import type { MultipleChoiceKey } from '../src/domain/marking';
import { seedForms } from '../src/reference-data/scheme-reference-data';
import {
  ATTEND,
  MARK,
  analyst,
  atoStaff,
  candidate,
  inDays,
  publicViewer,
  REGISTER,
  SCHEDULE,
  staff,
  startExamHarness,
  type ExamHarness,
} from './exam-test-harness';

// Who may read what, per role, as schema.graphql documents it on each field.

let h: ExamHarness;
const ATO = randomUUID();
const OTHER_ATO = randomUUID();
const owner = candidate('Iris Owner');
let sittingId: string;
let courseSessionId: string;

beforeAll(async () => {
  h = await startExamHarness();
  await h.setAtoStatus(ATO, 'ACCREDITED');
  await h.setAtoStatus(OTHER_ATO, 'ACCREDITED');
  courseSessionId = (
    await h.ok<{ scheduleExamSession: { id: string } }>(atoStaff(ATO), SCHEDULE, {
      input: {
        kind: 'ATO_COURSE',
        examCode: 'FOUNDATION',
        atoId: ATO,
        venue: 'Room 3',
        country: 'NL',
        startsAt: inDays(6),
        languages: ['en'],
        capacity: 10,
      },
    })
  ).scheduleExamSession.id;
  sittingId = (
    await h.ok<{ registerForExam: { id: string } }>(owner, REGISTER, {
      input: { sessionId: courseSessionId, language: 'en' },
    })
  ).registerForExam.id;
  // a self-study sitting of the same candidate, outside the ATO
  const publicSessionId = (
    await h.ok<{ scheduleExamSession: { id: string } }>(staff, SCHEDULE, {
      input: {
        kind: 'PUBLIC',
        examCode: 'FOUNDATION',
        venue: 'Hall',
        country: 'GB',
        region: 'UK',
        startsAt: inDays(9),
        languages: ['en'],
        capacity: 10,
      },
    })
  ).scheduleExamSession.id;
  await h.ok(owner, REGISTER, { input: { sessionId: publicSessionId, language: 'en' } });
  await h.ok(staff, ATTEND, { input: { sittingId, present: true } });
  const key = seedForms().find((f) => f.examCode === 'FOUNDATION' && f.language === 'en')!.answerKey;
  await h.ok(staff, MARK, { input: { sittingId, answers: (key as MultipleChoiceKey).answers } });
});
afterAll(() => h?.close());

type Expect = 'ok' | 'FORBIDDEN' | 'UNAUTHENTICATED';
const roles = (): Array<[string, Viewer, Expect, Expect, number | null]> => [
  // name, viewer, Candidate.name, Sitting, Candidate.sittings count
  ['the candidate', owner, 'ok', 'ok', 2],
  ['another candidate', candidate(), 'FORBIDDEN', 'FORBIDDEN', null],
  ["the candidate's ATO", atoStaff(ATO), 'ok', 'ok', 1],
  ['another ATO', atoStaff(OTHER_ATO), 'FORBIDDEN', 'FORBIDDEN', 0],
  ['an RCB integration', viewers.rcbIntegration(randomUUID()), 'FORBIDDEN', 'FORBIDDEN', null],
  ['an analyst', analyst, 'FORBIDDEN', 'FORBIDDEN', null],
  ['scheme staff', staff, 'ok', 'ok', 2],
  ['the public', publicViewer, 'UNAUTHENTICATED', 'UNAUTHENTICATED', null],
];

describe.each(roles())('%s', (_name, viewer, name, sitting, sittings) => {
  const reference = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Candidate { NAME } } }`;
  const representation = () => ({ r: [{ __typename: 'Candidate', id: owner.candidateId }] });

  it(`Candidate.name: ${name}`, async () => {
    const result = await h.as(viewer, reference.replace('NAME', 'name'), representation());
    if (name === 'ok') expect(errorCodes(result)).toEqual([]);
    else expect(errorCodes(result)).toEqual([name]);
  });

  it(`Sitting: ${sitting}`, async () => {
    const result = await h.as(viewer, `query($id: ID!) { sitting(id: $id) { id history { toState } } }`, {
      id: sittingId,
    });
    if (sitting === 'ok') expect(errorCodes(result)).toEqual([]);
    else expect(errorCodes(result)).toEqual([sitting]);
  });

  it(`Candidate.sittings: ${sittings === null ? 'refused' : `${sittings} of 2`}`, async () => {
    const result = await h.as<{ _entities: Array<{ sittings: { edges: unknown[] } } | null> }>(
      viewer,
      reference.replace('NAME', 'sittings { edges { cursor } }'),
      representation(),
    );
    if (sittings === null) expect(errorCodes(result).length).toBe(1);
    else expect(result.data?._entities[0]?.sittings.edges).toHaveLength(sittings);
  });

  it(`Sitting.itemResponses and form: ${viewer.role === 'scheme_staff' ? 'read' : 'null'}`, async () => {
    if (sitting !== 'ok') return; // the sitting itself is refused above
    const data = await h.ok<{ sitting: { itemResponses: unknown[] | null; form: { code: string } | null } }>(
      viewer,
      `query($id: ID!) { sitting(id: $id) { itemResponses { itemNumber } form { code } } }`,
      { id: sittingId },
    );
    if (viewer.role === 'scheme_staff') {
      expect(data.sitting.itemResponses).toHaveLength(40);
      expect(data.sitting.form).toEqual({ code: 'FND-EN-A' });
    } else expect(data.sitting).toEqual({ itemResponses: null, form: null });
  });

  const sessionSittingsAllowed =
    viewer.role === 'scheme_staff' || (viewer.role === 'ato_staff' && viewer.atoId === ATO);
  it(`ExamSession.sittings: ${sessionSittingsAllowed ? 'read' : 'refused'}`, async () => {
    const result = await h.as(
      viewer,
      `query($id: ID!) { examSession(id: $id) { id sittings { edges { cursor } } } }`,
      {
        id: courseSessionId,
      },
    );
    if (sessionSittingsAllowed) expect(errorCodes(result)).toEqual([]);
    else expect(errorCodes(result)).toEqual([viewer.role === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN']);
  });
});
