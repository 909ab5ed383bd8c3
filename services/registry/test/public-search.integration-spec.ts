import { randomUUID } from 'node:crypto';
import { errorCodes, viewers } from '@iso20000/testing';
import { todayUtc } from '../src/domain/calendar-date';
import { searchWords } from '../src/domain/search-text';
import { In } from 'typeorm';
import { CertifiedOrganizationEntity } from '../src/entities/certified-organization.entity';
import { OrganizationCertificationEntity } from '../src/entities/organization-certification.entity';
import { RcbEntity } from '../src/entities/rcb.entity';
import { createLoaders } from '../src/loaders';
import {
  exactMatchConditions,
  searchCertifiedOrganizations,
  type NameRanking,
} from '../src/queries/certified-organization-search';
import { address, isoDaysFromToday, startHarness, type Harness } from './harness';

const SEARCH = `query($filter: CertifiedOrganizationFilter, $first: Int, $after: String) {
  certifiedOrganizations(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id legalName country certifications { certificateNumber status rcb { id } rcbName rcbStatus cycleStart expiry standard } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const UPSERT = `mutation($input: [UpsertCertificationInput!]!) { upsertCertifications(input: $input) { created rejected records { reasons } } }`;
const VERIFY = `query($n: String!, $rcb: ID) { verifyOrganizationCertification(certificateNumber: $n, rcbId: $rcb) {
  valid status organizationName country rcb { id } rcbName statusReason suspendedOn expiry } }`;

interface Node {
  id: string;
  legalName: string;
  country: string;
  certifications: {
    certificateNumber: string;
    status: string;
    rcb: { id: string };
    rcbName: string | null;
    standard: string;
  }[];
}
interface SearchResult {
  certifiedOrganizations: {
    edges: { cursor: string; node: Node }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

let h: Harness;
const rcbA = randomUUID();
const rcbB = randomUUID();

function org(legalName: string, country: string, publicListing = true, otherNames: string[] = []) {
  return { legalName, otherNames, country, address: address(country), publicListing };
}

beforeAll(async () => {
  h = await startHarness();
  await h.setRcbStatus(rcbA, 'APPOINTED', 'Alpha Certification');
  await h.setRcbStatus(rcbB, 'APPOINTED', 'Beta Assurance');
  const base = { scope: 'IT services', sites: [], cycleStart: isoDaysFromToday(-200) };
  const a = await h.as<{ upsertCertifications: { created: number; rejected: number } }>(
    viewers.rcbIntegration(rcbA),
    UPSERT,
    {
      input: [
        { ...base, certificateNumber: 'A-1', organization: org('Société Générale Informatique SA', 'FR') },
        {
          ...base,
          certificateNumber: 'A-2',
          organization: org('Müller IT-Services GmbH', 'DE', true, ['Mueller Digital']),
        },
        { ...base, certificateNumber: 'A-3', organization: org('Secretive Systems Ltd', 'GB', false) },
        {
          ...base,
          certificateNumber: 'A-4',
          organization: org('Nordisk Datadrift AS', 'NO'),
          status: 'SUSPENDED',
          statusReason: 'major nonconformity',
        },
        {
          ...base,
          certificateNumber: 'A-5',
          organization: org('Old Edition Services Ltd', 'GB'),
          standard: 'ISO_IEC_20000_1_2011',
          cycleStart: '2016-01-01',
          expiry: '2018-12-31',
        },
        {
          ...base,
          certificateNumber: 'A-6',
          organization: org('Gone Away Hosting Ltd', 'GB'),
          status: 'WITHDRAWN',
          statusReason: 'client request',
        },
      ],
    },
  );
  expect(a.data?.upsertCertifications).toMatchObject({ created: 6, rejected: 0 });
  const many = Array.from({ length: 25 }, (_, i) => ({
    ...base,
    certificateNumber: `B-${i}`,
    organization: org(`Zeta Cloud Operations ${String(i).padStart(2, '0')} Ltd`, i % 2 ? 'DE' : 'GB'),
  }));
  const b = await h.as<{ upsertCertifications: { created: number } }>(viewers.rcbIntegration(rcbB), UPSERT, {
    input: many,
  });
  expect(b.data?.upsertCertifications.created).toBe(25);
});
afterAll(() => h?.close());

async function search(
  filter: Record<string, unknown>,
  first = 20,
  after?: string,
  viewer = viewers.public,
): Promise<SearchResult['certifiedOrganizations']> {
  return (await h.ok<SearchResult>(viewer, SEARCH, { filter, first, after })).certifiedOrganizations;
}
const names = (page: SearchResult['certifiedOrganizations']) => page.edges.map((e) => e.node.legalName);

/** The ids of every page of a search, in order, paged `first` at a time. */
async function everySearchPage(
  filter: Record<string, unknown>,
  ranking?: NameRanking,
  first = 4,
): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 500; pages += 1) {
    const page = await searchCertifiedOrganizations(
      h.db.dataSource,
      filter,
      { first, after },
      todayUtc(),
      ranking,
    );
    ids.push(...page.edges.map((edge) => edge.node.id));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor ?? undefined;
  }
  throw new Error('more than 500 pages');
}

describe('certifiedOrganizations', () => {
  it('finds names whatever the case, the accents or a small typo', async () => {
    expect(names(await search({ name: 'societe generale' }))[0]).toBe('Société Générale Informatique SA');
    expect(names(await search({ name: 'SOCIÉTÉ GÉNÉRALE' }))[0]).toBe('Société Générale Informatique SA');
    expect(names(await search({ name: 'Societe Generle Informatque' }))[0]).toBe(
      'Société Générale Informatique SA',
    );
    expect(names(await search({ name: 'muller it services' }))[0]).toBe('Müller IT-Services GmbH');
    expect(names(await search({ name: 'mueller digital' }))[0]).toBe('Müller IT-Services GmbH');
    expect(names(await search({ name: 'Quokka Aerospace' }))).toEqual([]);
  });

  it('tolerates one typo in a single-word query, and in any one word of a longer name', async () => {
    expect(names(await search({ name: 'Nordsk' }))[0]).toBe('Nordisk Datadrift AS');
    expect(names(await search({ name: 'Mueller Digtal' }))[0]).toBe('Müller IT-Services GmbH');
    expect(names(await search({ name: 'Nordisk Datadrfit' }))[0]).toBe('Nordisk Datadrift AS');
    expect(names(await search({ name: 'Gone Awya Hosting' }))[0]).toBe('Gone Away Hosting Ltd');
    // swapped letters are one typo too
    expect(names(await search({ name: 'Nodrisk' }))[0]).toBe('Nordisk Datadrift AS');
    expect(names(await search({ name: 'Societe Genreale' }))[0]).toBe('Société Générale Informatique SA');
  });

  it('finds a name when a word of it is left out of the query', async () => {
    expect(names(await search({ name: 'Société Informatique' }))[0]).toBe('Société Générale Informatique SA');
    expect(names(await search({ name: 'Muller GmbH' }))[0]).toBe('Müller IT-Services GmbH');
    expect(names(await search({ name: 'Gone Hosting' }))[0]).toBe('Gone Away Hosting Ltd');
  });

  it('lists only organizations that consent to public listing', async () => {
    expect(names(await search({ name: 'Secretive Systems' }))).toEqual([]);
    expect(names(await search({ name: 'Secretive Systems' }, 20, undefined, viewers.schemeStaff()))).toEqual(
      [],
    );
  });

  it('filters by country, RCB, status and standard', async () => {
    expect(names(await search({ country: 'FR' }))).toEqual(['Société Générale Informatique SA']);
    const byRcb = await search({ rcbId: rcbA }, 100);
    expect(names(byRcb).sort()).toEqual(
      [
        'Gone Away Hosting Ltd',
        'Müller IT-Services GmbH',
        'Nordisk Datadrift AS',
        'Old Edition Services Ltd',
        'Société Générale Informatique SA',
      ].sort(),
    );
    expect(names(await search({ rcbId: rcbA, status: 'SUSPENDED' }))).toEqual(['Nordisk Datadrift AS']);
    expect(names(await search({ rcbId: rcbA, status: 'WITHDRAWN' }))).toEqual(['Gone Away Hosting Ltd']);
    expect(names(await search({ status: 'EXPIRED' }))).toEqual(['Old Edition Services Ltd']);
    expect(names(await search({ standard: 'ISO_IEC_20000_1_2011' }))).toEqual(['Old Edition Services Ltd']);
    const [entry] = (await search({ name: 'Old Edition' })).edges;
    expect(entry.node.certifications[0]).toMatchObject({
      status: 'EXPIRED',
      rcbName: 'Alpha Certification',
      rcb: { id: rcbA },
    });
  });

  it('pages with cursors, without gaps or repeats, by name and by relevance', async () => {
    for (const filter of [{ rcbId: rcbB }, { name: 'zeta cloud operations' }]) {
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      for (;;) {
        const page = await search(filter, 10, after);
        seen.push(...page.edges.map((e) => e.node.id));
        pages++;
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor ?? undefined;
      }
      expect(pages).toBe(3);
      expect(seen).toHaveLength(25);
      expect(new Set(seen).size).toBe(25);
    }
  });

  it('pages a name search over every match, not only the best 100', async () => {
    const rcb = randomUUID();
    await h.setRcbStatus(rcb, 'APPOINTED');
    const base = { scope: 'IT services', sites: [], cycleStart: isoDaysFromToday(-200) };
    const input = Array.from({ length: 130 }, (_, i) => ({
      ...base,
      certificateNumber: `Y-${i}`,
      organization: org(`Yarrow Consulting ${String(i).padStart(3, '0')} Ltd`, 'IE'),
    }));
    const imported = await h.as<{ upsertCertifications: { created: number } }>(
      viewers.rcbIntegration(rcb),
      UPSERT,
      {
        input,
      },
    );
    expect(imported.data?.upsertCertifications.created).toBe(130);
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await search({ name: 'yarrow consulting' }, 50, after);
      seen.push(...page.edges.map((e) => e.node.id));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor ?? undefined;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(130);
  });

  it('holds every name at word distance 0 to the cheap tests a tie at distance 0 starts with', async () => {
    // pg_trgm itself decides distance 0; the tests must never drop such a name. "vice servic" has every
    // trigram of "service" without the word; "go-2" and "X1Y" fold and split as pg_trgm does.
    const queries = ['service', 'services ltd', 'it', 'a', 'go2 x1y', 'müller it', 'k'];
    const names = [
      'Vice Servic Partners',
      'Müller IT-Services GmbH',
      'Services, Ltd.',
      'A B C',
      'Go2 and X1Y',
      'go2x1y',
      'IT',
      'Kit',
      'Acme Service',
      'service-servicesltd',
      'Ltd Services',
    ];
    let atDistanceZero = 0;
    for (const query of queries) {
      const { substrings, patterns } = exactMatchConditions(searchWords(query));
      const rows = (await h.db.dataSource.query(
        `SELECT n.name,
                (public.registry_fold(n.name) <->> public.registry_fold($1)) = 0 AS exact,
                (SELECT bool_and(strpos(public.registry_fold(n.name), s) > 0) FROM unnest($2::text[]) s) IS NOT FALSE
                  AND (SELECT bool_and(public.registry_fold(n.name) ~ p) FROM unnest($3::text[]) p) IS NOT FALSE AS passes
           FROM unnest($4::text[]) AS n(name)`,
        [query, substrings, patterns, names],
      )) as Array<{ name: string; exact: boolean; passes: boolean }>;
      for (const row of rows) {
        if (row.exact) {
          atDistanceZero += 1;
          expect({ query, name: row.name, passes: row.passes }).toEqual({
            query,
            name: row.name,
            passes: true,
          });
        }
      }
    }
    expect(atDistanceZero).toBeGreaterThanOrEqual(8);
    // and the tests do drop names that are not at distance 0
    expect(exactMatchConditions(['service']).patterns.length).toBeGreaterThan(0);
  });

  it('pages from the nearest matches exactly as ranking every match does, ties included', async () => {
    // Small margins and ties, so every way the page is found (all matches read, nearer ones enough, a
    // tie paged by name, a tie too sparse for the budget) is taken on this small registry.
    const rcb = randomUUID();
    await h.setRcbStatus(rcb, 'APPOINTED');
    const base = { scope: 'IT services', sites: [], cycleStart: isoDaysFromToday(-200) };
    // at distance 0 from "service" without the word in it
    const tricky = await h.as<{ upsertCertifications: { created: number } }>(
      viewers.rcbIntegration(rcb),
      UPSERT,
      {
        input: [{ ...base, certificateNumber: 'T-1', organization: org('Vice Servic Partners Ltd', 'IE') }],
      },
    );
    expect(tricky.data?.upsertCertifications.created).toBe(1);
    const rankings: NameRanking[] = [
      { nearestMargin: 0, tieBudget: 3 },
      { nearestMargin: 1, tieBudget: 40 },
      { nearestMargin: 3, tieBudget: 1000 },
    ];
    const everyPage = (name: string, first: number, ranking: NameRanking) =>
      everySearchPage({ name }, ranking, first);
    for (const name of ['services', 'service', 'ltd', 'zeta clod', 'operatons 1', 'datadrift']) {
      for (const first of [3, 20]) {
        const expected = await everyPage(name, first, 'every-match');
        expect(expected.length).toBeGreaterThan(0);
        for (const ranking of rankings) expect(await everyPage(name, first, ranking)).toEqual(expected);
      }
    }
  });

  it("ranks one RCB's name matches as ranking every match of the registry does, typos included", async () => {
    // Within one RCB the words are matched on the RCB's own organizations, not through the trigram
    // index: the same matches in the same order, paged. Pages that are a tie at distance 0 (the 25
    // "Zeta Cloud Operations NN Ltd") are found in name order, within a budget of names or beyond it.
    const everyPage = everySearchPage;
    // An RCB whose search has a tie at distance 0 ("kappa hosting") followed by nearer-than-nothing
    // matches ("hostings"), so pages start inside the tie, at its end, and after it.
    const rcbC = randomUUID();
    await h.setRcbStatus(rcbC, 'APPOINTED', 'Gamma Registrar');
    const base = { scope: 'IT services', sites: [], cycleStart: isoDaysFromToday(-200) };
    const kappa = await h.as<{ upsertCertifications: { created: number } }>(
      viewers.rcbIntegration(rcbC),
      UPSERT,
      {
        input: [
          'Kappa Hosting North',
          'Kappa Hosting South',
          'Kappa Hosting East',
          'Kappa Hostings Group',
          'Kappa Hostings Partners',
        ].map((legalName, i) => ({
          ...base,
          certificateNumber: `K-${i}`,
          organization: org(legalName, 'NL'),
        })),
      },
    );
    expect(kappa.data?.upsertCertifications.created).toBe(5);
    // One organization holding two of the RCB's certifications: listed once (the name order comes
    // from the RCB's certifications, one entry per certification).
    await h.db.dataSource.query(
      `INSERT INTO organization_certification (id, organization_id, rcb_id, certificate_number, standard, scope, sites,
         original_issue_date, cycle_start, expiry, surveillance_audits, status, status_reason, suspended_on,
         suspended_until, version, created_at, updated_at)
       SELECT $1, organization_id, rcb_id, 'K-0-bis', standard, scope, sites, original_issue_date, cycle_start,
         expiry, surveillance_audits, status, status_reason, suspended_on, suspended_until, version, created_at, updated_at
       FROM organization_certification WHERE rcb_id = $2 AND certificate_number = 'K-0'`,
      [randomUUID(), rcbC],
    );
    // A renamed organization moves in the RCB's name order (the copy of its name follows it).
    const renamed = await h.as<{ upsertCertifications: { rejected: number } }>(
      viewers.rcbIntegration(rcbC),
      UPSERT,
      {
        input: [{ ...base, certificateNumber: 'K-1', organization: org('Kappa Hosting Aardvark', 'NL') }],
      },
    );
    expect(renamed.data?.upsertCertifications.rejected).toBe(0);
    // The same for an organization renamed without its certification being rewritten.
    await h.db.dataSource.query(
      `UPDATE certified_organization o SET legal_name = 'Kappa Hosting Aaron', search_text = 'Kappa Hosting Aaron',
         sort_name = 'kappa hosting aaron'
       FROM organization_certification c WHERE c.organization_id = o.id AND c.rcb_id = $1 AND c.certificate_number = 'K-2'`,
      [rcbC],
    );
    const kappaHosting = await everyPage({ name: 'kappa hosting', rcbId: rcbC }, undefined, 1);
    expect(kappaHosting).toHaveLength(new Set(kappaHosting).size);
    const [first] = await h.db.dataSource.query<{ legal_name: string }[]>(
      `SELECT legal_name FROM certified_organization WHERE id = $1`,
      [kappaHosting[0]],
    );
    expect(first?.legal_name).toBe('Kappa Hosting Aardvark');
    const [second] = await h.db.dataSource.query<{ legal_name: string }[]>(
      `SELECT legal_name FROM certified_organization WHERE id = $1`,
      [kappaHosting[1]],
    );
    expect(second?.legal_name).toBe('Kappa Hosting Aaron');
    // Within one RCB, the other filters too: each as ranking every match with the same filter gives.
    for (const more of [
      { status: 'CERTIFIED' },
      { status: 'SUSPENDED' },
      { country: 'NL' },
      { country: 'GB' },
      { standard: 'ISO_IEC_20000_1_2018' },
    ]) {
      for (const rcbId of [rcbA, rcbB, rcbC]) {
        for (const name of ['kappa hosting', 'services', 'zeta', 'nordisk datadrift']) {
          const filter = { ...more, name, rcbId };
          const expected = await everyPage(filter, 'every-match', 2);
          expect(await everyPage(filter, undefined, 2)).toEqual(expected);
          expect(await everyPage(filter, { nearestMargin: 0, tieBudget: 3 }, 2)).toEqual(expected);
        }
      }
    }
    let compared = 0;
    for (const rcbId of [rcbA, rcbB, rcbC]) {
      const certified = new Set(await everyPage({ rcbId }));
      for (const name of [
        'services',
        'ltd',
        'zeta',
        'cloud operations',
        'zeta clod',
        'operatons 1',
        'nodrisk',
        'societe genreale',
        'kappa hosting',
      ]) {
        for (const first of [1, 2, 4, 30]) {
          const expected = (await everyPage({ name }, 'every-match', first)).filter((id) =>
            certified.has(id),
          );
          expect(await everyPage({ name, rcbId }, undefined, first)).toEqual(expected);
          for (const tieBudget of [3, 12])
            expect(await everyPage({ name, rcbId }, { nearestMargin: 0, tieBudget }, first)).toEqual(
              expected,
            );
          compared += expected.length;
        }
      }
    }
    expect(compared).toBeGreaterThan(20);
  });

  it("loads organizations, and their certifications with their RCBs, exactly as TypeORM's own hydration does", async () => {
    const ids = (
      (await h.db.dataSource.query(`SELECT id FROM certified_organization`)) as { id: string }[]
    ).map((row) => row.id);
    const loaders = createLoaders(h.db.dataSource);
    const loaded = (
      await Promise.all(ids.map((id) => loaders.certificationsByOrganizationId.load(id)))
    ).flat();
    const hydrated = await h.db.dataSource
      .getRepository(OrganizationCertificationEntity)
      .createQueryBuilder('c')
      .leftJoinAndMapOne('c.rcbRecord', RcbEntity, 'r', 'r.id = c.rcb_id')
      .where('c.organization_id = ANY(:ids)', { ids })
      .getMany();
    const byId = new Map(hydrated.map((row) => [row.id, row]));
    expect(loaded.length).toBeGreaterThan(20);
    expect(loaded.length).toBe(hydrated.length);
    // dates, nullable dates, jsonb, timestamps and the joined RCB, as classes
    expect(loaded.some((row) => row.suspendedOn !== null)).toBe(true);
    for (const row of loaded) expect(row).toStrictEqual(byId.get(row.id));
    // and the organizations of a page, by name and without one
    for (const filter of [{ name: 'zeta cloud' }, {}]) {
      const page = await searchCertifiedOrganizations(h.db.dataSource, filter, { first: 50 }, todayUtc());
      const nodes = page.edges.map((edge) => edge.node);
      expect(nodes.length).toBeGreaterThan(3);
      const organizations = await h.db.dataSource
        .getRepository(CertifiedOrganizationEntity)
        .findBy({ id: In(nodes.map((node) => node.id)) });
      const organizationById = new Map(organizations.map((organization) => [organization.id, organization]));
      for (const node of nodes) expect(node).toStrictEqual(organizationById.get(node.id));
    }
  });

  it('refuses a country code that names no country, an overlong name and control characters', async () => {
    for (const filter of [
      { country: 'XX' },
      { country: 'UK' },
      { name: 'x'.repeat(201) },
      { name: 'Acme\u0000 Services' },
      { rcbId: 'not-an-id' },
    ]) {
      const refused = await h.as(viewers.public, SEARCH, { filter });
      expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
      expect(refused.errors?.[0].message).toContain(`filter.${Object.keys(filter)[0]}`);
    }
    expect(names(await search({ country: 'fr' }))).toEqual(['Société Générale Informatique SA']);
  });

  it('refuses bad filters and page sizes with a clear error', async () => {
    expect(errorCodes(await h.as(viewers.public, SEARCH, { filter: { country: 'France' } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await h.as(viewers.public, SEARCH, { filter: { name: 'a' } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await h.as(viewers.public, SEARCH, { first: 1000 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await h.as(viewers.public, SEARCH, { after: 'bogus' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('uses the same number of SQL statements for 5 organizations as for 25 (no N+1)', async () => {
    const count = async (first: number) => {
      const { statements, result } = await h.db.sql.measure(() =>
        h.as<SearchResult>(viewers.public, SEARCH, { filter: { rcbId: rcbB }, first }),
      );
      expect(result.data?.certifiedOrganizations.edges).toHaveLength(first);
      return statements.length;
    };
    const small = await count(5);
    expect(await count(25)).toBe(small);
    expect(small).toBe(2);
  });
});

describe('verifyOrganizationCertification', () => {
  it('answers honestly for valid, suspended, withdrawn and expired certifications', async () => {
    const verify = async (n: string) =>
      (
        await h.as<{ verifyOrganizationCertification: Record<string, unknown> | null }>(
          viewers.public,
          VERIFY,
          { n, rcb: rcbA },
        )
      ).data?.verifyOrganizationCertification;
    expect(await verify('A-1')).toMatchObject({
      valid: true,
      status: 'CERTIFIED',
      organizationName: 'Société Générale Informatique SA',
      country: 'FR',
      rcbName: 'Alpha Certification',
    });
    expect(await verify('A-4')).toMatchObject({
      valid: false,
      status: 'SUSPENDED',
      statusReason: 'major nonconformity',
      suspendedOn: isoDaysFromToday(0),
    });
    expect(await verify('A-6')).toMatchObject({
      valid: false,
      status: 'WITHDRAWN',
      statusReason: 'client request',
    });
    expect(await verify('A-5')).toMatchObject({ valid: false, status: 'EXPIRED', expiry: '2018-12-31' });
    // verification works for unlisted organizations too: whoever holds the number may check it
    expect(await verify('A-3')).toMatchObject({ valid: true, organizationName: 'Secretive Systems Ltd' });
    expect(await verify('NO-SUCH-NUMBER')).toBeNull();
  });

  it('asks for the RCB when two RCBs use the same number', async () => {
    await h.as(viewers.rcbIntegration(rcbB), UPSERT, {
      input: [
        {
          certificateNumber: 'A-1',
          organization: org('Collision Ltd', 'GB'),
          scope: 'IT',
          sites: [],
          cycleStart: isoDaysFromToday(-10),
        },
      ],
    });
    const ambiguous = await h.as(viewers.public, VERIFY, { n: 'A-1' });
    expect(errorCodes(ambiguous)).toEqual(['BAD_USER_INPUT']);
    expect(ambiguous.errors?.[0].message).toContain('pass rcbId');
  });
});

describe('entity references (as the gateway resolves them)', () => {
  it('resolves listed organizations and hides unlisted ones from the public', async () => {
    const ids = (await h.db.dataSource.query(
      `SELECT id, legal_name FROM certified_organization WHERE legal_name IN ('Société Générale Informatique SA', 'Secretive Systems Ltd') ORDER BY legal_name`,
    )) as { id: string; legal_name: string }[];
    const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on CertifiedOrganization { legalName } } }`;
    const representations = ids.map((row) => ({ __typename: 'CertifiedOrganization', id: row.id }));
    const asPublic = await h.as<{ _entities: ({ legalName: string } | null)[] }>(viewers.public, ENTITIES, {
      r: representations,
    });
    expect(asPublic.data?._entities).toEqual([null, { legalName: 'Société Générale Informatique SA' }]);
    const asOwner = await h.as<{ _entities: ({ legalName: string } | null)[] }>(
      viewers.rcbIntegration(rcbA),
      ENTITIES,
      { r: representations },
    );
    expect(asOwner.data?._entities).toEqual([
      { legalName: 'Secretive Systems Ltd' },
      { legalName: 'Société Générale Informatique SA' },
    ]);
  });
});

describe('malformed ids', () => {
  it('are BAD_USER_INPUT as arguments and name nothing as entity references', async () => {
    const refused = await h.as(viewers.public, `{ organizationCertification(id: "not-an-id") { id } }`);
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors?.[0].message).toContain('id must be an id this API issued');
    const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on CertifiedOrganization { legalName } ... on OrganizationCertification { id } } }`;
    const references = await h.as<{ _entities: unknown[] }>(viewers.public, ENTITIES, {
      r: [
        { __typename: 'CertifiedOrganization', id: 'not-an-id' },
        { __typename: 'OrganizationCertification', id: '42' },
      ],
    });
    expect(references.errors).toBeUndefined();
    expect(references.data?._entities).toEqual([null, null]);
  });
});

describe('verification cost', () => {
  it("answers in one SQL statement beside the one that spends the client's budget", async () => {
    const { statements, result } = await h.db.sql.measure(() =>
      h.as<{ verifyOrganizationCertification: { rcbName: string } }>(viewers.public, VERIFY, {
        n: 'A-4',
        rcb: rcbA,
      }),
    );
    expect(result.data?.verifyOrganizationCertification.rcbName).toBe('Alpha Certification');
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/^INSERT INTO "rate_limit_bucket"/);
  });
});
