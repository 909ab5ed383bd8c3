import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testNamespace } from '@iso20000/testing';
import { composeSupergraph } from '@iso20000/tool-compose';
import { startSystem, type RunningSystem } from '@iso20000/tool-dev';

export type { RunningSystem };

/**
 * The whole system for one test file: four services and the gateway as processes, with databases
 * and an events namespace of their own. The gateway serves the schemas as they are in this checkout
 * (composed now), not whatever supergraph was last committed.
 */
export async function startE2eSystem(
  prefix = 'e2e',
  extraEnv: Record<string, string> = {},
): Promise<RunningSystem> {
  const composed = composeSupergraph();
  if (!composed.ok) throw new Error(`composition failed:\n${composed.errors.join('\n')}`);
  const supergraphPath = join(mkdtempSync(join(tmpdir(), `${prefix}-`)), 'supergraph.graphql');
  writeFileSync(supergraphPath, composed.supergraphSdl);
  return startSystem({
    namespace: testNamespace(prefix),
    extraEnv: { SUPERGRAPH_PATH: supergraphPath, ...extraEnv },
  });
}

/** The data of an operation through the gateway; any GraphQL error fails the test with its details. */
export async function ok<T>(
  system: RunningSystem,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const result = await system.query<T>(query, variables, token);
  if (result.errors?.length) throw new Error(`${result.status}: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

/** An instant `days` from now, ISO 8601. */
export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** The credentials a flow acts with: scheme staff schedule, attend and mark; the candidate registers. */
export interface FlowActors {
  staff: string;
  candidate: string;
}

/**
 * A Foundation pass released by the exam service through the gateway: a public session in London,
 * the candidate registered and present, 34 of 40 answers right (Foundation is released on
 * marking). Returns the sitting's id; the certificate follows from `exam.sitting.released`.
 */
export async function releasedFoundationPass(
  system: RunningSystem,
  { staff, candidate }: FlowActors,
): Promise<string> {
  const session = await ok<{ scheduleExamSession: { id: string } }>(
    system,
    `mutation($input: ScheduleExamSessionInput!) { scheduleExamSession(input: $input) { id } }`,
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
  const registered = await ok<{ registerForExam: { id: string } }>(
    system,
    `mutation($input: RegisterForExamInput!) { registerForExam(input: $input) { id } }`,
    { input: { sessionId: session.scheduleExamSession.id, language: 'en' } },
    candidate,
  );
  const sittingId = registered.registerForExam.id;
  await ok(
    system,
    `mutation($id: ID!) { recordSittingAttendance(input: { sittingId: $id, present: true }) { state } }`,
    { id: sittingId },
    staff,
  );
  const forms = await ok<{ examForms: { edges: Array<{ node: { answerKey: { answers: string[] } } }> } }>(
    system,
    `{ examForms(examCode: FOUNDATION, language: "en") { edges { node { answerKey { answers } } } } }`,
    {},
    staff,
  );
  const answers = forms.examForms.edges[0].node.answerKey.answers.map((answer, i) =>
    i < 34 ? answer : null,
  );
  const marked = await ok<{ markSitting: { state: string } }>(
    system,
    `mutation($input: MarkSittingInput!) { markSitting(input: $input) { state } }`,
    { input: { sittingId, answers } },
    staff,
  );
  if (marked.markSitting.state !== 'RELEASED') {
    throw new Error(`a Foundation pass should be released on marking, got ${marked.markSitting.state}`);
  }
  return sittingId;
}

/**
 * An RCB appointed by scheme staff through the gateway, with an integration API key: its id and the
 * `Authorization` value its integration sends (`ApiKey rcbk_...`). The registry learns of it by event:
 * its first write may need `eventually`.
 */
export async function appointedRcb(
  system: RunningSystem,
  staff: string,
  { name, country = 'GB' }: { name: string; country?: string },
): Promise<{ rcbId: string; authorization: string }> {
  const applied = await ok<{ applyForRcbAppointment: { id: string } }>(
    system,
    `mutation($input: RcbApplicationInput!) { applyForRcbAppointment(input: $input) { id } }`,
    {
      input: {
        name,
        country,
        companyDetails: { legalName: `${name} Ltd`, address: ['1 Audit Street', 'London'] },
        contacts: [
          { name: 'Ada Auditor', email: `ada@${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example` },
        ],
        nationalAccreditationBody: 'UKAS',
        accreditationReference: `UKAS-${name.replace(/[^A-Za-z0-9]+/g, '').slice(0, 20)}`,
        countriesServed: [country],
      },
    },
  );
  const rcbId = applied.applyForRcbAppointment.id;
  await ok(system, `mutation($id: ID!) { beginRcbAssessment(rcbId: $id) { status } }`, { id: rcbId }, staff);
  await ok(
    system,
    `mutation($id: ID!) { decideRcbApplication(rcbId: $id, decision: APPOINT, notes: "meets ISO/IEC 17021-1") { status } }`,
    { id: rcbId },
    staff,
  );
  const key = await ok<{ createRcbCredential: { apiKey: string } }>(
    system,
    `mutation($id: ID!) { createRcbCredential(rcbId: $id, label: "e2e") { apiKey } }`,
    { id: rcbId },
    staff,
  );
  return { rcbId, authorization: `ApiKey ${key.createRcbCredential.apiKey}` };
}
