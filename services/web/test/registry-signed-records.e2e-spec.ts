import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { eventually } from '@iso20000/testing';
// The whole system for this file comes from the end-to-end harness (the services and the gateway).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { appointedRcb, ok, startE2eSystem, type RunningSystem } from '@iso20000/tool-e2e/src/harness';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { freePort } from '@iso20000/tool-dev/src/launcher';
import { startWeb } from './web-under-test';

// A relying party keeps the registry's signed answer, then verifies it with nothing but what the
// public web serves at the addresses the credential names: the JWKS and the status lists, through
// the real gateway and registry. Suspension sets the bit, reinstatement clears it.

jest.setTimeout(240_000);

let system: RunningSystem;
let web: { close(): Promise<void> } | undefined;
let base: string;
let rcb: { rcbId: string; authorization: string };
const NUMBER = `SIGNED-${randomUUID().slice(0, 8)}`;

interface StatusEntry {
  statusPurpose: string;
  statusListIndex: string;
  statusListCredential: string;
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The registry names the web's addresses in its records, as the launcher tells it in development.
  system = await startE2eSystem('e2esigned', { REGISTRY_PUBLIC_BASE_URL: base });
  const staff = await system.token('scheme_staff');
  rcb = await appointedRcb(system, staff, { name: 'Signed Records Certification' });
  await eventually(
    async () => {
      const result = await system.query<{ upsertCertifications: { created: number } }>(
        `mutation($input: [UpsertCertificationInput!]!) { upsertCertifications(input: $input) { created } }`,
        {
          input: [
            {
              certificateNumber: NUMBER,
              organization: {
                legalName: 'Offline Verified Ltd',
                country: 'GB',
                address: { lines: ['1 Signed Street'], city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' },
                publicListing: true,
              },
              scope: 'Managed IT services',
              cycleStart: new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10),
            },
          ],
        },
        rcb.authorization,
      );
      return result.data?.upsertCertifications.created === 1 ? true : undefined;
    },
    30_000,
    'the registry to accept the appointed RCB’s certification',
  );
  web = await startWeb(port, system.gatewayUrl);
});

afterAll(async () => {
  await web?.close();
  await system?.stop();
});

async function bitAt(entry: StatusEntry, jwks: JSONWebKeySet, etag?: string) {
  expect(entry.statusListCredential.startsWith(`${base}/registry/status-lists/`)).toBe(true);
  const response = await fetch(entry.statusListCredential, {
    headers: etag ? { 'if-none-match': etag } : {},
  });
  if (response.status === 304) return { notModified: true, etag: response.headers.get('etag') ?? '' };
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.headers.get('cache-control')).toBe('public, no-cache');
  const jwt = (await response.json()) as string;
  const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), { typ: 'vc+jwt', algorithms: ['EdDSA'] });
  expect(payload.id).toBe(entry.statusListCredential);
  const subject = payload.credentialSubject as { statusPurpose: string; encodedList: string };
  expect(subject.statusPurpose).toBe(entry.statusPurpose);
  const bits = gunzipSync(Buffer.from(subject.encodedList.slice(1), 'base64url'));
  expect(bits.length * 8).toBeGreaterThanOrEqual(131_072);
  const i = Number(entry.statusListIndex);
  return { bit: (bits[i >> 3] & (0x80 >> (i & 7))) !== 0, etag: response.headers.get('etag') ?? '' };
}

async function change(mutation: 'suspendCertification' | 'reinstateCertification', extra: string) {
  const current = await ok<{ organizationCertification: { id: string; version: number } }>(
    system,
    `query($n: String!) { organizationCertification(certificateNumber: $n) { id version } }`,
    { n: NUMBER },
    rcb.authorization,
  );
  const { id, version } = current.organizationCertification;
  await ok(
    system,
    `mutation($id: ID!, $v: Int!, $key: String!) { ${mutation}(id: $id, expectedVersion: $v${extra}, idempotencyKey: $key) { certification { status } } }`,
    { id, v: version, key: randomUUID() },
    rcb.authorization,
  );
}

it('a signed registry record verifies offline against the web’s JWKS, and its suspension bit flips in the web’s status list', async () => {
  const answer = await ok<{
    verifyOrganizationCertification: {
      signedRecord: { jwt: string; keysUrl: string; statusListUrls: string[] };
    };
  }>(
    system,
    `query($n: String!) { verifyOrganizationCertification(certificateNumber: $n) { signedRecord { jwt keysUrl statusListUrls } } }`,
    { n: NUMBER },
  );
  const record = answer.verifyOrganizationCertification.signedRecord;
  expect(record.keysUrl).toBe(`${base}/registry/.well-known/jwks.json`);
  const keysResponse = await fetch(record.keysUrl);
  expect(keysResponse.status).toBe(200);
  expect(keysResponse.headers.get('etag')).toMatch(/^W\//);
  const jwks = (await keysResponse.json()) as JSONWebKeySet;

  const { payload } = await jwtVerify(record.jwt, createLocalJWKSet(jwks), {
    typ: 'vc+jwt',
    algorithms: ['EdDSA'],
  });
  expect(payload.credentialSubject).toMatchObject({
    certificateNumber: NUMBER,
    organization: { legalName: 'Offline Verified Ltd', country: 'GB' },
    certificationBody: { name: 'Signed Records Certification' },
    status: 'CERTIFIED',
  });
  const [suspension, revocation] = payload.credentialStatus as StatusEntry[];
  expect([suspension.statusListCredential, revocation.statusListCredential]).toEqual(record.statusListUrls);

  const before = await bitAt(suspension, jwks);
  expect(before.bit).toBe(false);
  expect((await bitAt(revocation, jwks)).bit).toBe(false);

  await change('suspendCertification', ', reason: "major nonconformity"');
  const suspended = await bitAt(suspension, jwks, before.etag);
  expect(suspended).toMatchObject({ bit: true });

  await change('reinstateCertification', '');
  expect((await bitAt(suspension, jwks)).bit).toBe(false);

  const unknown = await fetch(`${base}/registry/status-lists/expiry/1`);
  expect(unknown.status).toBe(404);
});
