import { errorCodes } from '@iso20000/testing';
import {
  accreditedAto,
  APPLY_ATO,
  atoApplication,
  atoStaff,
  publicViewer,
  schemeStaff,
  startHarness,
  type Harness,
} from './harness';

let h: Harness;
const ids: Record<string, string> = {};
beforeAll(async () => {
  h = await startHarness();
  // Five accredited providers with distinct offers, one suspended, one applicant.
  for (const [name, country] of [
    ['Alpha ITSM', 'GB'],
    ['Beta Service Academy', 'DE'],
    ['Gamma 20000 Training', 'GB'],
    ['Delta Learning', 'JP'],
    ['Epsilon_100% Training', 'BR'],
    ['Zeta Suspended', 'GB'],
  ] as const) {
    ids[name] = await accreditedAto(h, { name, country, languages: ['en'] });
  }
  const applied = await h.as<{ applyForAtoAccreditation: { id: string } }>(publicViewer, APPLY_ATO, {
    input: atoApplication({ name: 'Alpha Applicant' }),
  });
  ids['Alpha Applicant'] = applied.data!.applyForAtoAccreditation.id;

  const add = async (ato: string, input: Record<string, unknown>) => {
    await h.ok(
      atoStaff(ids[ato]),
      `mutation($a: ID!, $i: CourseInput!) { createCourse(atoId: $a, input: $i) { id } }`,
      {
        a: ids[ato],
        i: { examIncluded: true, startsOn: '2099-05-01', endsOn: '2099-05-03', ...input },
      },
    );
  };
  await add('Alpha ITSM', {
    examCode: 'FOUNDATION',
    language: 'en',
    country: 'GB',
    deliveryMode: 'CLASSROOM',
  });
  await add('Alpha ITSM', {
    examCode: 'PRACTITIONER',
    language: 'en',
    country: 'GB',
    deliveryMode: 'VIRTUAL',
  });
  await add('Beta Service Academy', {
    examCode: 'PRACTITIONER',
    language: 'de',
    country: 'DE',
    deliveryMode: 'CLASSROOM',
  });
  await add('Beta Service Academy', {
    examCode: 'AUDITOR',
    language: 'de',
    country: 'DE',
    deliveryMode: 'VIRTUAL',
  });
  await add('Gamma 20000 Training', {
    examCode: 'FOUNDATION',
    language: 'en',
    country: 'GB',
    deliveryMode: 'SELF_STUDY',
    startsOn: null,
    endsOn: null,
  });
  await add('Gamma 20000 Training', {
    examCode: 'FOUNDATION',
    language: 'en',
    country: 'IE',
    deliveryMode: 'CLASSROOM',
    startsOn: '2099-01-10',
    endsOn: '2099-01-11',
  });
  await add('Delta Learning', {
    examCode: 'AUDITOR',
    language: 'ja',
    country: 'JP',
    deliveryMode: 'CLASSROOM',
  });
  await add('Epsilon_100% Training', {
    examCode: 'PRACTITIONER',
    language: 'pt-BR',
    country: 'BR',
    deliveryMode: 'VIRTUAL',
  });
  await add('Zeta Suspended', {
    examCode: 'FOUNDATION',
    language: 'en',
    country: 'GB',
    deliveryMode: 'CLASSROOM',
  });
  // A course that has ended is not offered any more.
  await add('Delta Learning', {
    examCode: 'FOUNDATION',
    language: 'ja',
    country: 'JP',
    deliveryMode: 'CLASSROOM',
    startsOn: '2001-01-01',
    endsOn: '2001-01-02',
  });
  await h.as(schemeStaff, `mutation($id: ID!) { suspendAto(atoId: $id, reason: "audit") { status } }`, {
    id: ids['Zeta Suspended'],
  });
});
afterAll(() => h.close());

const SEARCH = `
  query($filter: TrainingProviderFilter, $first: Int, $after: String) {
    trainingProviders(filter: $filter, first: $first, after: $after) {
      edges { cursor node { name country } matchingCourses { examCode language country deliveryMode startsOn ato { name } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;
type Result = {
  trainingProviders: {
    edges: {
      cursor: string;
      node: { name: string };
      matchingCourses: { examCode: string; country: string; deliveryMode: string; startsOn: string | null }[];
    }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};
const search = async (filter: Record<string, unknown>, first = 20, after?: string) => {
  const result = await h.ok<Result>(publicViewer, SEARCH, { filter, first, after });
  return result.trainingProviders;
};
const names = (page: Result['trainingProviders']) => page.edges.map((e) => e.node.name);

describe('find a training provider (public)', () => {
  it('lists accredited ATOs only, in name order', async () => {
    expect(names(await search({}))).toEqual([
      'Alpha ITSM',
      'Beta Service Academy',
      'Delta Learning',
      'Epsilon_100% Training',
      'Gamma 20000 Training',
    ]);
  });

  it('filters by exam level, country, language and delivery mode, showing the matching courses', async () => {
    const foundationGb = await search({ examCode: 'FOUNDATION', country: 'GB' });
    expect(names(foundationGb)).toEqual(['Alpha ITSM', 'Gamma 20000 Training']);
    expect(foundationGb.edges[1].matchingCourses).toEqual([
      {
        examCode: 'FOUNDATION',
        language: 'en',
        country: 'GB',
        deliveryMode: 'SELF_STUDY',
        startsOn: null,
        ato: { name: 'Gamma 20000 Training' },
      },
    ]);
    expect(names(await search({ language: 'de', deliveryMode: 'VIRTUAL' }))).toEqual([
      'Beta Service Academy',
    ]);
    expect(names(await search({ examCode: 'AUDITOR' }))).toEqual(['Beta Service Academy', 'Delta Learning']);
    expect(names(await search({ country: 'IE' }))).toEqual(['Gamma 20000 Training']);
    // Delta's Foundation course ended in 2001.
    expect(names(await search({ examCode: 'FOUNDATION', language: 'ja' }))).toEqual([]);
    const gammaAll = (await search({ search: 'gamma' })).edges[0].matchingCourses;
    expect(gammaAll.map((c) => c.startsOn)).toEqual(['2099-01-10', null]);
  });

  it('searches names, taking % and _ literally', async () => {
    expect(names(await search({ search: 'SERVICE' }))).toEqual(['Beta Service Academy']);
    expect(names(await search({ search: '100%' }))).toEqual(['Epsilon_100% Training']);
    expect(names(await search({ search: 'n_1' }))).toEqual(['Epsilon_100% Training']);
    expect(names(await search({ search: '%' }))).toEqual(['Epsilon_100% Training']);
  });

  it('pages with cursors', async () => {
    const first = await search({}, 2);
    expect(names(first)).toEqual(['Alpha ITSM', 'Beta Service Academy']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await search({}, 2, first.pageInfo.endCursor!);
    expect(names(second)).toEqual(['Delta Learning', 'Epsilon_100% Training']);
    const third = await search({}, 2, second.pageInfo.endCursor!);
    expect(names(third)).toEqual(['Gamma 20000 Training']);
    expect(third.pageInfo).toEqual({ hasNextPage: false, endCursor: third.edges[0].cursor });
  });

  it('rejects bad input clearly', async () => {
    expect(errorCodes(await h.as(publicViewer, SEARCH, { first: 500 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await h.as(publicViewer, SEARCH, { after: 'bm90IGEgY3Vyc29y' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await h.as(publicViewer, SEARCH, { filter: { country: 'Germany' } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('issues a constant number of SQL statements whatever the page size', async () => {
    const query = `query($first: Int) { trainingProviders(first: $first) { edges { node { id courses(first: 5) { edges { node { id ato { name } } } } } matchingCourses { id ato { id name } } } } }`;
    const count = async (first: number) => {
      const measured = await h.db.sql.measure(() => h.as<Result>(publicViewer, query, { first }));
      expect(measured.result.errors).toBeUndefined();
      return {
        statements: measured.statements.length,
        providers: measured.result.data!.trainingProviders.edges.length,
      };
    };
    const small = await count(1);
    const large = await count(5);
    expect(small.providers).toBe(1);
    expect(large.providers).toBe(5);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(4);
  });
});
