import { randomUUID } from 'node:crypto';
import { errorCodes, viewers } from '@iso20000/testing';
import { todayUtc } from '../src/domain/calendar-date';
import { searchCertifiedOrganizations, type NameRanking } from '../src/queries/certified-organization-search';
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

  it('pages from the nearest matches exactly as ranking every match does, ties included', async () => {
    // Small margins and ties, so every way the page is found (all matches read, nearer ones enough, a
    // tie paged by name, a tie too sparse for the budget) is taken on this small registry.
    const rankings: NameRanking[] = [
      { nearestMargin: 0, tieBudget: 3 },
      { nearestMargin: 1, tieBudget: 40 },
      { nearestMargin: 3, tieBudget: 1000 },
    ];
    const everyPage = async (name: string, first: number, ranking: NameRanking) => {
      const ids: string[] = [];
      let after: string | undefined;
      for (let pages = 0; pages < 200; pages += 1) {
        const page = await searchCertifiedOrganizations(
          h.db.dataSource,
          { name },
          { first, after },
          todayUtc(),
          ranking,
        );
        ids.push(...page.edges.map((edge) => edge.node.id));
        if (!page.pageInfo.hasNextPage) return ids;
        after = page.pageInfo.endCursor ?? undefined;
      }
      throw new Error('more than 200 pages');
    };
    for (const name of ['services', 'ltd', 'zeta clod', 'operatons 1', 'datadrift']) {
      for (const first of [3, 20]) {
        const expected = await everyPage(name, first, 'every-match');
        expect(expected.length).toBeGreaterThan(0);
        for (const ranking of rankings) expect(await everyPage(name, first, ranking)).toEqual(expected);
      }
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
