import { randomUUID } from 'node:crypto';
import { errorCodes, viewers } from '@iso20000/testing';
import { ISSUE, isoDaysFromToday, issueInput, key, startHarness, type Harness } from './harness';

let h: Harness;
const rcbA = randomUUID();
const rcbB = randomUUID();
const asA = viewers.rcbIntegration(rcbA);
const asB = viewers.rcbIntegration(rcbB);

beforeAll(async () => {
  h = await startHarness();
  await h.setRcbStatus(rcbA, 'APPOINTED', 'Alpha Certification');
  await h.setRcbStatus(rcbB, 'APPOINTED', 'Beta Assurance');
});
afterAll(() => h?.close());

async function issue(viewer: typeof asA, overrides: Record<string, unknown> = {}) {
  const result = await h.ok<{
    issueCertification: { certification: { id: string; certificateNumber: string } };
  }>(viewer, ISSUE, { input: issueInput(overrides), key: key() });
  return result.issueCertification.certification;
}

const VERIFY = `query($n: String!, $rcb: ID) { verifyOrganizationCertification(certificateNumber: $n, rcbId: $rcb) {
  organizationName rcbName registeredOn sameNumberAtOtherRcbs certification { id version } } }`;
const VERIFY_ALL = `query($n: String!) { verifyCertificateNumber(certificateNumber: $n) {
  certificateNumber ambiguous matches { organizationName rcb { id } rcbName valid sameNumberAtOtherRcbs certification { version } } } }`;
const WAS = `query($n: String!, $rcb: ID, $on: Date!) { wasCertified(certificateNumber: $n, rcbId: $rcb, on: $on) {
  ambiguous certified status rcb { id } certification { id } matches { certified status rcb { id } rcbName } } }`;
const READ = `query($id: ID!) { organizationCertification(id: $id) { id version } }`;

describe('a version is no key', () => {
  it('shows the version to the holding RCB and scheme staff only, never in public verification', async () => {
    const c = await issue(asA);
    const verified = await h.ok<{
      verifyOrganizationCertification: { certification: { version: number | null } };
    }>(viewers.public, VERIFY, { n: c.certificateNumber, rcb: rcbA });
    expect(verified.verifyOrganizationCertification.certification.version).toBeNull();
    const read = async (viewer: typeof asA) =>
      (await h.ok<{ organizationCertification: { version: number | null } }>(viewer, READ, { id: c.id }))
        .organizationCertification.version;
    expect(await read(viewers.public)).toBeNull();
    expect(await read(asB)).toBeNull();
    expect(await read(asA)).toBe(1);
    expect(await read(viewers.schemeStaff())).toBe(1);
  });
});

describe('one number, several RCBs', () => {
  it('verifies every match with its RCB, never picking one, and an RCB cannot spoof another’s number', async () => {
    const number = `SHARED-${randomUUID().slice(0, 8)}`;
    await issue(asA, {
      certificateNumber: number,
      organization: { ...(issueInput().organization as object), legalName: 'Genuine Services Ltd' },
      cycleStart: isoDaysFromToday(-20),
    });
    // another RCB registers the same number (numbers are unique per RCB only)
    await issue(asB, {
      certificateNumber: number,
      organization: { ...(issueInput().organization as object), legalName: 'Lookalike Services Ltd' },
      cycleStart: isoDaysFromToday(-5),
    });

    const all = await h.ok<{
      verifyCertificateNumber: {
        ambiguous: boolean;
        matches: {
          organizationName: string;
          rcb: { id: string };
          rcbName: string;
          sameNumberAtOtherRcbs: number;
        }[];
      };
    }>(viewers.public, VERIFY_ALL, { n: number });
    expect(all.verifyCertificateNumber.ambiguous).toBe(true);
    expect(all.verifyCertificateNumber.matches).toEqual([
      expect.objectContaining({
        organizationName: 'Genuine Services Ltd',
        rcb: { id: rcbA },
        rcbName: 'Alpha Certification',
        sameNumberAtOtherRcbs: 1,
      }),
      expect.objectContaining({
        organizationName: 'Lookalike Services Ltd',
        rcb: { id: rcbB },
        rcbName: 'Beta Assurance',
        sameNumberAtOtherRcbs: 1,
      }),
    ]);

    // the single answer without an RCB names both RCBs instead of picking one
    const refused = await h.as(viewers.public, VERIFY, { n: number });
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors?.[0].message).toContain('Alpha Certification');
    expect(refused.errors?.[0].message).toContain('Beta Assurance');
    // with the RCB on the certificate it is the genuine one, and says the number is not unique
    const genuine = await h.ok<{
      verifyOrganizationCertification: { organizationName: string; sameNumberAtOtherRcbs: number };
    }>(viewers.public, VERIFY, { n: number, rcb: rcbA });
    expect(genuine.verifyOrganizationCertification).toMatchObject({
      organizationName: 'Genuine Services Ltd',
      sameNumberAtOtherRcbs: 1,
    });

    const was = await h.ok<{
      wasCertified: {
        ambiguous: boolean;
        certified: boolean;
        status: string | null;
        rcb: unknown;
        certification: unknown;
        matches: { certified: boolean; rcb: { id: string }; rcbName: string }[];
      };
    }>(viewers.public, WAS, { n: number, on: isoDaysFromToday(0) });
    expect(was.wasCertified).toMatchObject({
      ambiguous: true,
      certified: false,
      status: null,
      rcb: null,
      certification: null,
    });
    expect(was.wasCertified.matches.map((m) => [m.rcb.id, m.certified, m.rcbName]).sort()).toEqual(
      [
        [rcbA, true, 'Alpha Certification'],
        [rcbB, true, 'Beta Assurance'],
      ].sort(),
    );
    // before the lookalike existed only the genuine one matches, and the single answer is given
    const earlier = await h.ok<{
      wasCertified: { ambiguous: boolean; certified: boolean; rcb: { id: string } };
    }>(viewers.public, WAS, { n: number, on: isoDaysFromToday(-10) });
    expect(earlier.wasCertified).toMatchObject({ ambiguous: false, certified: true, rcb: { id: rcbA } });
    const withRcb = await h.ok<{
      wasCertified: { ambiguous: boolean; certified: boolean; rcb: { id: string } };
    }>(viewers.public, WAS, { n: number, rcb: rcbB, on: isoDaysFromToday(0) });
    expect(withRcb.wasCertified).toMatchObject({ ambiguous: false, certified: true, rcb: { id: rcbB } });
  });

  it('answers an unknown number with no match', async () => {
    const none = await h.ok<{ verifyCertificateNumber: { ambiguous: boolean; matches: unknown[] } }>(
      viewers.public,
      VERIFY_ALL,
      { n: 'NO-SUCH-NUMBER' },
    );
    expect(none.verifyCertificateNumber).toMatchObject({ ambiguous: false, matches: [] });
  });
});
