import { randomUUID } from 'node:crypto';
import { errorCodes, viewers } from '@iso20000/testing';
import { ISSUE, issueInput, key, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const MINE = `query { rcbRegistryFreshness { rcb { id } lastChangedAt lastConfirmedAt asOf stale staleAfterDays } }`;
const CONFIRM = `mutation { confirmRegistryData { lastChangedAt lastConfirmedAt asOf stale } }`;
const VERIFY = `query($n: String!, $rcb: ID) { verifyOrganizationCertification(certificateNumber: $n, rcbId: $rcb) {
  rcbDataFreshness { rcbName asOf stale } } }`;
const LISTING = `query($rcb: ID) { certifiedOrganizations(filter: { rcbId: $rcb }, first: 5) { edges { node {
  certifications { rcbDataFreshness { rcb { id } asOf stale } } } } } }`;
const STALE = `query($days: Int, $after: String, $first: Int) { staleRcbs(olderThanDays: $days, first: $first, after: $after) {
  edges { node { rcb { id } asOf stale currentCertifications } } pageInfo { hasNextPage endCursor } } }`;

interface Freshness {
  lastChangedAt: string | null;
  lastConfirmedAt: string | null;
  asOf: string | null;
  stale: boolean;
}

async function rcbWithCertification(name: string) {
  const rcbId = randomUUID();
  const viewer = viewers.rcbIntegration(rcbId);
  await h.setRcbStatus(rcbId, 'APPOINTED', name);
  const r = await h.ok<{ issueCertification: { certification: { certificateNumber: string } } }>(
    viewer,
    ISSUE,
    {
      input: issueInput(),
      key: key(),
    },
  );
  return { rcbId, viewer, number: r.issueCertification.certification.certificateNumber };
}

describe('an RCB’s freshness', () => {
  it('is never until it changes or confirms its data; a change and a confirmation make it fresh, shown publicly', async () => {
    const rcbId = randomUUID();
    const viewer = viewers.rcbIntegration(rcbId);
    await h.setRcbStatus(rcbId, 'APPOINTED', 'Fresh Certification');
    const before = (await h.ok<{ rcbRegistryFreshness: Freshness }>(viewer, MINE)).rcbRegistryFreshness;
    expect(before).toMatchObject({
      lastChangedAt: null,
      lastConfirmedAt: null,
      asOf: null,
      stale: true,
      staleAfterDays: 30,
    });

    const started = Date.now();
    const issued = await h.ok<{ issueCertification: { certification: { certificateNumber: string } } }>(
      viewer,
      ISSUE,
      {
        input: issueInput(),
        key: key(),
      },
    );
    const changed = (await h.ok<{ rcbRegistryFreshness: Freshness }>(viewer, MINE)).rcbRegistryFreshness;
    expect(Date.parse(changed.lastChangedAt ?? '')).toBeGreaterThanOrEqual(started - 1000);
    expect(changed).toMatchObject({ asOf: changed.lastChangedAt, stale: false });

    const confirmed = (await h.ok<{ confirmRegistryData: Freshness }>(viewer, CONFIRM)).confirmRegistryData;
    expect(Date.parse(confirmed.lastConfirmedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(changed.asOf ?? ''),
    );
    expect(confirmed.asOf).toBe(confirmed.lastConfirmedAt);

    const verified = await h.ok<{
      verifyOrganizationCertification: {
        rcbDataFreshness: { rcbName: string; asOf: string; stale: boolean };
      };
    }>(viewers.public, VERIFY, { n: issued.issueCertification.certification.certificateNumber, rcb: rcbId });
    expect(verified.verifyOrganizationCertification.rcbDataFreshness).toEqual({
      rcbName: 'Fresh Certification',
      asOf: confirmed.asOf,
      stale: false,
    });
    const listed = await h.ok<{
      certifiedOrganizations: {
        edges: { node: { certifications: { rcbDataFreshness: { rcb: { id: string }; asOf: string } }[] } }[];
      };
    }>(viewers.public, LISTING, { rcb: rcbId });
    expect(listed.certifiedOrganizations.edges[0].node.certifications[0].rcbDataFreshness).toMatchObject({
      rcb: { id: rcbId },
      asOf: confirmed.asOf,
    });
    // confirming is an RCB integration's
    expect(errorCodes(await h.as(viewers.schemeStaff(), CONFIRM))).toEqual(['FORBIDDEN']);
  });
});

describe('stale RCBs for scheme staff', () => {
  it('lists RCBs past the staleness limit (never first, then the oldest), page by page, with their current certifications', async () => {
    const old = await rcbWithCertification('Old Data Certification');
    const older = await rcbWithCertification('Older Data Certification');
    const never = await rcbWithCertification('Never Confirmed Certification');
    const fresh = await rcbWithCertification('Fresh Data Certification');
    const set = (rcbId: string, daysAgo: number | null) =>
      h.db.dataSource.query(`UPDATE rcb SET data_as_of = $2, last_data_change_at = $2 WHERE id = $1`, [
        rcbId,
        daysAgo === null ? null : new Date(Date.now() - daysAgo * 86_400_000),
      ]);
    await set(old.rcbId, 31);
    await set(older.rcbId, 45);
    await set(never.rcbId, null);
    await set(fresh.rcbId, 29);
    const ours = new Set<string>([old.rcbId, older.rcbId, never.rcbId, fresh.rcbId]);

    const staff = viewers.schemeStaff();
    const listed: { rcb: { id: string }; stale: boolean; currentCertifications: number }[] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const page = await h.ok<{
        staleRcbs: {
          edges: { node: { rcb: { id: string }; stale: boolean; currentCertifications: number } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      }>(staff, STALE, { first: 1, after });
      listed.push(...page.staleRcbs.edges.map((e) => e.node));
      if (!page.staleRcbs.pageInfo.hasNextPage) break;
      after = page.staleRcbs.pageInfo.endCursor;
    }
    expect(listed.filter((n) => ours.has(n.rcb.id)).map((n) => n.rcb.id)).toEqual([
      never.rcbId,
      older.rcbId,
      old.rcbId,
    ]);
    expect(listed.find((n) => n.rcb.id === old.rcbId)).toMatchObject({
      stale: true,
      currentCertifications: 1,
    });

    const longer = await h.ok<{ staleRcbs: { edges: { node: { rcb: { id: string } } }[] } }>(staff, STALE, {
      days: 40,
    });
    expect(longer.staleRcbs.edges.map((e) => e.node.rcb.id).filter((id) => ours.has(id))).toEqual([
      never.rcbId,
      older.rcbId,
    ]);
    expect(errorCodes(await h.as(old.viewer, STALE, {}))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.as(staff, STALE, { days: 0 }))).toEqual(['BAD_USER_INPUT']);
  });
});
