import { eventually } from '@iso20000/testing';
import { startE2eSystem, type RunningSystem } from '../src/harness';

// One service stopped: the gateway answers what the others serve, with partial data and an error
// that names what is missing and never an address; when the service is back, so are its fields.

let system: RunningSystem;

beforeAll(async () => {
  system = await startE2eSystem('down');
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
