import { randomUUID } from 'node:crypto';
import { eventually } from '@iso20000/testing';
import { ok as okThrough, startE2eSystem, type RunningSystem } from '../src/harness';

// Suspend an RCB through the gateway: accreditation records it and publishes
// accreditation.rcb.status-changed (outbox -> JetStream); the registry consumes it and refuses that
// RCB's next new certification, while its existing ones stay verifiable with the RCB's status shown.
// Reinstating the RCB lets it issue again.

let system: RunningSystem;
const ok = <T>(query: string, variables: Record<string, unknown> = {}, token?: string) =>
  okThrough<T>(system, query, variables, token);
let staff: string;

beforeAll(async () => {
  system = await startE2eSystem('e2e');
  staff = await system.token('scheme_staff');
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

const today = (days = 0) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const ISSUE = `mutation($input: IssueCertificationInput!, $key: String!) {
  issueCertification(input: $input, idempotencyKey: $key) { certification { id certificateNumber status rcbStatus } } }`;
const VERIFY = `query($n: String!, $rcb: ID) { verifyOrganizationCertification(certificateNumber: $n, rcbId: $rcb) {
  valid status organizationName rcbStatus rcb { id name } } }`;

function certification(number: string) {
  const address = { lines: ['1 Service Street'], city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' };
  return {
    certificateNumber: number,
    organization: {
      legalName: `Registry E2E Services ${number} Ltd`,
      otherNames: [],
      country: 'GB',
      address,
      publicListing: true,
    },
    scope: 'The provision of managed IT services',
    sites: [],
    cycleStart: today(-10),
  };
}

it('refuses a suspended RCB’s next certification, keeps its existing ones verifiable, and accepts again once reinstated', async () => {
  // An RCB applies; scheme staff assess and appoint it and issue its integration credential.
  const applied = await ok<{ applyForRcbAppointment: { id: string; status: string } }>(
    `mutation($input: RcbApplicationInput!) { applyForRcbAppointment(input: $input) { id status } }`,
    {
      input: {
        name: 'E2E Certification Body',
        country: 'DE',
        companyDetails: { legalName: 'E2E Certification GmbH', address: ['Hauptstr. 1', 'Berlin'] },
        contacts: [{ name: 'Bert Kuhn', email: 'bert@e2e-cert.example' }],
        nationalAccreditationBody: 'DAkkS',
        accreditationReference: 'D-ZM-99999-01-00',
        countriesServed: ['DE', 'GB'],
      },
    },
  );
  const rcbId = applied.applyForRcbAppointment.id;
  await ok(`mutation($id: ID!) { beginRcbAssessment(rcbId: $id) { status } }`, { id: rcbId }, staff);
  const appointed = await ok<{ decideRcbApplication: { status: string } }>(
    `mutation($id: ID!) { decideRcbApplication(rcbId: $id, decision: APPOINT, notes: "meets ISO/IEC 17021-1") { status } }`,
    { id: rcbId },
    staff,
  );
  expect(appointed.decideRcbApplication.status).toBe('APPOINTED');
  const issued = await ok<{ createRcbCredential: { apiKey: string } }>(
    `mutation($id: ID!) { createRcbCredential(rcbId: $id, label: "e2e") { apiKey } }`,
    { id: rcbId },
    staff,
  );
  const rcb = `ApiKey ${issued.createRcbCredential.apiKey}`;

  // The registry learns of the appointment (and the credential) by event; then the RCB issues.
  const first = await eventually(
    async () => {
      const result = await system.query<{
        issueCertification: { certification: { certificateNumber: string; status: string } };
      }>(ISSUE, { input: certification('E2E-1'), key: randomUUID() }, rcb);
      return result.data?.issueCertification?.certification ?? undefined;
    },
    30_000,
    'the registry to accept the appointed RCB’s first certification',
  );
  expect(first).toMatchObject({ certificateNumber: 'E2E-1', status: 'CERTIFIED' });

  const suspended = await ok<{ suspendRcb: { status: string } }>(
    `mutation($id: ID!) { suspendRcb(rcbId: $id, reason: "scheme audit findings") { status } }`,
    { id: rcbId },
    staff,
  );
  expect(suspended.suspendRcb.status).toBe('SUSPENDED');

  // The registry follows by event. Its existing certification stays visible and valid, with the
  // RCB's status shown honestly (read-only probe, so nothing is issued while the event travels).
  const verified = await eventually(
    async () => {
      const result = await ok<{ verifyOrganizationCertification: { rcbStatus: string } }>(VERIFY, {
        n: 'E2E-1',
        rcb: rcbId,
      });
      return result.verifyOrganizationCertification.rcbStatus === 'SUSPENDED'
        ? result.verifyOrganizationCertification
        : undefined;
    },
    30_000,
    'the registry to learn of the suspension',
  );
  expect(verified).toMatchObject({
    valid: true,
    status: 'CERTIFIED',
    organizationName: 'Registry E2E Services E2E-1 Ltd',
  });

  // The suspended RCB's next certification is refused, and nothing is written.
  const refused = await system.query(ISSUE, { input: certification('E2E-2'), key: randomUUID() }, rcb);
  expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
  expect(refused.errors?.[0].message).toContain('SUSPENDED');
  expect(
    (await system.query<{ verifyOrganizationCertification: unknown }>(VERIFY, { n: 'E2E-2', rcb: rcbId }))
      .data?.verifyOrganizationCertification,
  ).toBeNull();

  await ok(
    `mutation($id: ID!) { reinstateRcb(rcbId: $id, reason: "findings closed") { status } }`,
    { id: rcbId },
    staff,
  );
  const again = await eventually(
    async () => {
      const result = await system.query<{ issueCertification: { certification: { status: string } } }>(
        ISSUE,
        { input: certification('E2E-3'), key: randomUUID() },
        rcb,
      );
      return result.data?.issueCertification?.certification ?? undefined;
    },
    30_000,
    'the reinstated RCB to issue again',
  );
  expect(again.status).toBe('CERTIFIED');
});
