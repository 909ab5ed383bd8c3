import { randomUUID } from 'node:crypto';
import type { Viewer } from '@iso20000/auth';
import { errorCodes } from '@iso20000/testing';
import {
  accreditedAto,
  appointedRcb,
  atoStaff,
  publicViewer,
  rcbIntegration,
  schemeStaff,
  startHarness,
  type Harness,
} from './harness';

let h: Harness;
let atoId: string;
let rcbId: string;
beforeAll(async () => {
  h = await startHarness();
  // Iceland: a country no other test file of this service uses, so the lists hold only these.
  for (const name of ['Paging A', 'Paging B', 'Paging C', 'Paging D', 'Paging E']) {
    atoId = await accreditedAto(h, { name, country: 'IS', examLevels: ['FOUNDATION'], languages: ['en'] });
    // Every provider offers self-study in Iceland; the last one adds classroom courses below.
    await h.as(
      schemeStaff,
      `mutation($a: ID!, $i: CourseInput!) { createCourse(atoId: $a, input: $i) { id } }`,
      {
        a: atoId,
        i: {
          examCode: 'FOUNDATION',
          language: 'en',
          country: 'IS',
          deliveryMode: 'SELF_STUDY',
          examIncluded: false,
        },
      },
    );
  }
  for (const name of ['Paged Cert 1', 'Paged Cert 2', 'Paged Cert 3'])
    rcbId = await appointedRcb(h, { name, country: 'IS' });
  const staff = atoStaff(atoId);
  for (const [index, name] of ['Tia', 'Uma', 'Val'].entries()) {
    await h.as(staff, `mutation($a: ID!, $i: TrainerInput!) { addTrainer(atoId: $a, input: $i) { id } }`, {
      a: atoId,
      i: { candidateId: randomUUID(), name },
    });
    await h.as(staff, `mutation($a: ID!, $i: CourseInput!) { createCourse(atoId: $a, input: $i) { id } }`, {
      a: atoId,
      i: {
        examCode: 'FOUNDATION',
        language: 'en',
        country: 'IS',
        deliveryMode: 'CLASSROOM',
        startsOn: `2099-0${index + 1}-01`,
        endsOn: `2099-0${index + 1}-02`,
        examIncluded: true,
      },
    });
    await h.as(
      schemeStaff,
      `mutation($r: ID!) { createRcbCredential(rcbId: $r, label: "key ${index}") { apiKey } }`,
      {
        r: rcbId,
      },
    );
  }
});
afterAll(() => h.close());

interface Page {
  edges: { cursor: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Walks a list page by page: every page but the last says there is more, and the pages hold everything. */
async function walk(viewer: Viewer, query: string, pick: (data: never) => Page, size: number) {
  const pages: Page[] = [];
  let after: string | null = null;
  do {
    const result = await h.as(viewer, query, { first: size, after, ato: atoId, rcb: rcbId });
    expect(result.errors).toBeUndefined();
    const page = pick(result.data as never);
    pages.push(page);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after && pages.length < 20);
  return {
    items: pages.flatMap((p) => p.edges.map((e) => e.cursor)),
    hasNext: pages.map((p) => p.pageInfo.hasNextPage),
  };
}

describe('a list never says there is no more while there is', () => {
  it.each([
    [
      'atos',
      5,
      publicViewer,
      `query($first: Int, $after: String) { atos(filter: { country: "IS" }, first: $first, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } }`,
      (d: { atos: Page }) => d.atos,
    ],
    [
      'rcbs',
      3,
      publicViewer,
      `query($first: Int, $after: String) { rcbs(filter: { country: "IS" }, first: $first, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } }`,
      (d: { rcbs: Page }) => d.rcbs,
    ],
    [
      'trainingProviders',
      5,
      publicViewer,
      `query($first: Int, $after: String) { trainingProviders(filter: { country: "IS" }, first: $first, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } }`,
      (d: { trainingProviders: Page }) => d.trainingProviders,
    ],
    [
      'Ato.courses',
      4,
      publicViewer,
      `query($ato: ID!, $first: Int, $after: String) { ato(id: $ato) { courses(first: $first, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } } }`,
      (d: { ato: { courses: Page } }) => d.ato.courses,
    ],
    [
      'Ato.trainers',
      3,
      schemeStaff,
      `query($ato: ID!, $first: Int, $after: String) { ato(id: $ato) { trainers(first: $first, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } } }`,
      (d: { ato: { trainers: Page } }) => d.ato.trainers,
    ],
    [
      'Ato.statusHistory',
      3,
      schemeStaff,
      `query($ato: ID!, $first: Int, $after: String) { ato(id: $ato) { statusHistory(first: $first, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } } }`,
      (d: { ato: { statusHistory: Page } }) => d.ato.statusHistory,
    ],
    [
      'Rcb.statusHistory',
      3,
      schemeStaff,
      `query($rcb: ID!, $first: Int, $after: String) { rcb(id: $rcb) { statusHistory(first: $first, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } } }`,
      (d: { rcb: { statusHistory: Page } }) => d.rcb.statusHistory,
    ],
    [
      'Rcb.credentials',
      3,
      schemeStaff,
      `query($rcb: ID!, $first: Int, $after: String) { rcb(id: $rcb) { credentials(first: $first, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } } }`,
      (d: { rcb: { credentials: Page } }) => d.rcb.credentials,
    ],
  ] as const)('%s holds %i items', async (_list, total, viewer, query, pick) => {
    for (const size of [1, 2, total, total + 1]) {
      const { items, hasNext } = await walk(viewer, query, pick as (data: never) => Page, size);
      expect(new Set(items).size).toBe(total);
      expect(hasNext.at(-1)).toBe(false);
      expect(hasNext.slice(0, -1).every(Boolean)).toBe(true);
      expect(hasNext).toHaveLength(Math.max(1, Math.ceil(total / size)));
    }
  });

  it('refuses a cursor of another list, or a forged one, before it reaches SQL', async () => {
    const history = await h.as<{ ato: { statusHistory: Page } }>(
      schemeStaff,
      `query($ato: ID!) { ato(id: $ato) { statusHistory(first: 1) { pageInfo { endCursor } edges { cursor } } } }`,
      { ato: atoId },
    );
    const foreign = history.data!.ato.statusHistory.pageInfo.endCursor;
    const courses = await h.as(
      schemeStaff,
      `query($after: String, $ato: ID!) { ato(id: $ato) { courses(first: 1, after: $after) { edges { cursor } } } }`,
      { after: foreign, ato: atoId },
    );
    expect(errorCodes(courses)).toEqual(['BAD_USER_INPUT']);
    const byName = Buffer.from(JSON.stringify(['Paging A', 'not-a-uuid'])).toString('base64url');
    for (const list of ['atos', 'rcbs', 'trainingProviders']) {
      const result = await h.as(
        schemeStaff,
        `query($after: String) { ${list}(first: 1, after: $after) { edges { cursor } } }`,
        { after: byName },
      );
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    }
    const own = rcbIntegration(rcbId);
    const forged = Buffer.from(JSON.stringify(['2026-01-01T00:00:00Z', 'not-a-uuid'])).toString('base64url');
    const credentials = await h.as(
      own,
      `query($rcb: ID!, $after: String) { rcb(id: $rcb) { credentials(first: 1, after: $after) { edges { cursor } } } }`,
      { rcb: rcbId, after: forged },
    );
    expect(errorCodes(credentials)).toEqual(['BAD_USER_INPUT']);
  });
});
