import { eventually } from '@iso20000/testing';
import { startE2eSystem, type RunningSystem } from '../src/harness';

// What a client gets through the gateway, with the real services: the same status and body for the
// first request of an operation (executed from its plan) and its repeats (single-subgraph routes),
// single- and multi-subgraph; and, with one service stopped, what the others serve, with an error
// that names what is missing and never an address.

let system: RunningSystem;

beforeAll(async () => {
  system = await startE2eSystem('answers');
});

/** The first request of an operation and two repeats. */
async function thrice(query: string, variables?: Record<string, unknown>, token?: string) {
  const answers = [];
  for (let i = 0; i < 3; i += 1) answers.push(await system.query(query, variables, token));
  return answers;
}

const INTERNALS = /127\.0\.0\.1|localhost|ECONNREFUSED|Bad Request|Unauthorized|serviceName|"response"/;

describe('the same answer on every path', () => {
  it("refuses a malformed Date variable with the service's BAD_USER_INPUT, single- and multi-subgraph", async () => {
    const single = await thrice(
      'query Was($on: Date!) { wasCertified(certificateNumber: "ISO-1", on: $on) { certified } }',
      { on: '2026-02-30' },
    );
    const spanning = await thrice(
      'query Spans($on: Date!) { exams { code } wasCertified(certificateNumber: "ISO-1", on: $on) { certified } }',
      { on: '2026-02-30' },
    );
    for (const [first, ...repeats] of [single, spanning]) {
      expect(first.status).toBe(400);
      expect(first.data).toBeUndefined();
      expect(first.errors).toHaveLength(1);
      expect(first.errors?.[0]).toMatchObject({
        message: expect.stringContaining('$on'),
        extensions: { code: 'BAD_USER_INPUT' },
      });
      expect(JSON.stringify(first)).not.toMatch(INTERNALS);
      for (const repeat of repeats) expect(repeat).toEqual(first);
    }
    expect(spanning[0].errors).toEqual(single[0].errors);
  });

  it('answers an anonymous request for the candidate\'s own data with HTTP 401 "Sign in to do this"', async () => {
    const single = await thrice('{ me { name } }');
    const spanning = await thrice('{ me { name certificates(first: 5) { edges { node { number } } } } }');
    for (const [first, ...repeats] of [single, spanning]) {
      expect(first.status).toBe(401);
      expect(first.data).toEqual({ me: null });
      expect(first.errors).toHaveLength(1);
      // Outside production the service's stack trace comes along, the same on both paths.
      expect(first.errors?.[0]).toMatchObject({
        message: 'Sign in to do this',
        path: ['me'],
        extensions: { code: 'UNAUTHENTICATED' },
      });
      expect(JSON.stringify(first)).not.toMatch(INTERNALS);
      for (const repeat of repeats) expect(repeat).toEqual(first);
    }
  });

  it('passes a domain refusal through alike on both paths', async () => {
    const candidate = await system.token('candidate', {
      candidateId: '00000000-0000-4000-8000-0000000000e2',
    });
    const [first, ...repeats] = await thrice(
      'mutation Register($input: RegisterForExamInput!) { registerForExam(input: $input) { id } }',
      { input: { sessionId: '00000000-0000-4000-8000-000000000404', language: 'en' } },
      candidate,
    );
    expect(first.status).toBe(200);
    expect(first.data).toBeNull();
    expect(first.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    for (const repeat of repeats) expect(repeat).toEqual(first);
  });
});

afterAll(async () => {
  await system?.stop();
});

const PAGE = `{
  exams { code }
  certifiedOrganizations(first: 1) { edges { node { legalName } } }
}`;
const REGISTRY_ONLY = '{ certifiedOrganizations(first: 1) { edges { node { legalName } } } }';

type Page = { exams: Array<{ code: string }> | null; certifiedOrganizations: { edges: unknown[] } | null };

test('with the registry stopped, exams still answer and the registry is named as unavailable', async () => {
  const before = await system.query<Page>(PAGE);
  expect(before.errors).toBeUndefined();
  await system.query(REGISTRY_ONLY); // learned: its repeats take the single-subgraph route

  await system.stopProcess('registry');
  const partial = await system.query<Page>(PAGE);
  expect(partial.status).toBe(200);
  expect(partial.data?.exams?.map((exam) => exam.code).sort()).toEqual([
    'AUDITOR',
    'FOUNDATION',
    'PRACTITIONER',
  ]);
  expect(partial.data?.certifiedOrganizations).toBeNull();
  expect(partial.errors).toEqual([
    {
      message: 'The registry of certified organizations is unavailable right now; try again shortly',
      extensions: { code: 'SERVICE_UNAVAILABLE', service: 'registry' },
    },
  ]);
  const first = await system.query(REGISTRY_ONLY);
  const repeat = await system.query(REGISTRY_ONLY);
  expect(first.data).toEqual({ certifiedOrganizations: null });
  expect(repeat).toEqual(first);
  for (const answer of [partial, first])
    expect(JSON.stringify(answer)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|localhost|:\d{4,5}\b/);

  await system.startProcess('registry');
  const back = await eventually(
    async () => {
      const result = await system.query<Page>(PAGE);
      return result.errors ? undefined : result;
    },
    30_000,
    'the registry to answer again',
  );
  expect(back.data?.certifiedOrganizations).toEqual(before.data?.certifiedOrganizations);
});
