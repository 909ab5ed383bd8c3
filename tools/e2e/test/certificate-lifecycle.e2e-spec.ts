import { randomUUID } from 'node:crypto';
import { eventually } from '@iso20000/testing';
import { ok as okThrough, releasedFoundationPass, startE2eSystem, type RunningSystem } from '../src/harness';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { gunzipSync } from 'node:zlib';

// The certificate's life through the gateway, with real NATS between the services: a released
// pass (exam service) -> certificate issued (certificate service, from exam.sitting.released) ->
// public verification, signed credential checked offline against the published JWKS and status
// list -> the sitting is voided (exam.sitting.voided) -> verification and status list say REVOKED.

// Per-project testTimeout is ignored when Jest runs several projects; this file starts five processes.
jest.setTimeout(120_000);

let system: RunningSystem;
const ok = <T>(query: string, variables: Record<string, unknown> = {}, token?: string) =>
  okThrough<T>(system, query, variables, token);
let staff: string;

beforeAll(async () => {
  system = await startE2eSystem('e2ecert', {
    VERIFY_RATE_LIMIT_BURST: '12',
    VERIFY_RATE_LIMIT_PER_MINUTE: '1',
  });
  staff = await system.token('scheme_staff');
}, 180_000);

afterAll(async () => {
  await system?.stop();
}, 60_000);

/** What a relying party does offline: verify both signatures with the JWKS and read the certificate's bit. */
async function revokedOffline(
  credentialJwt: string,
  jwks: JSONWebKeySet,
  statusListJwt: string,
): Promise<boolean> {
  const keys = createLocalJWKSet(jwks);
  const { payload: credential } = await jwtVerify(credentialJwt, keys, { typ: 'vc+jwt' });
  const { payload: statusList } = await jwtVerify(statusListJwt, keys, { typ: 'vc+jwt' });
  const status = credential.credentialStatus as { statusListIndex: string; statusListCredential: string };
  expect(statusList.id).toBe(status.statusListCredential);
  const encoded = (statusList.credentialSubject as { encodedList: string }).encodedList;
  const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
  const index = Number(status.statusListIndex);
  return (bits[index >> 3] & (0x80 >> (index & 7))) !== 0;
}

/** The certificate service's own HTTP routes (JWKS and status list), where relying parties fetch them. */
async function published(): Promise<{ jwks: JSONWebKeySet; statusListJwt: string }> {
  const base = system.urls.certificate.replace(/\/graphql$/, '');
  const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  const statusListJwt = (await (await fetch(`${base}/status-lists/1`)).json()) as string;
  return { jwks, statusListJwt };
}

const VERIFY = `query ($n: String!) { verifyCertificate(number: $n) { status number message holderName examCode issuedOn revokedOn } }`;
const MY_CERTIFICATES = `{ me { id certificates(first: 10) { edges { node { id number status holderName examCode dueOn issuedOn credential { jwt statusListUrl } } } } } }`;

type MyCertificates = {
  me: {
    certificates: {
      edges: Array<{
        node: {
          id: string;
          number: string;
          status: string;
          holderName: string;
          examCode: string;
          dueOn: string;
          issuedOn: string;
          credential: { jwt: string };
        };
      }>;
    };
  };
};

it('released pass -> certificate -> public verification -> void -> REVOKED, through the gateway with real NATS', async () => {
  const candidateId = randomUUID();
  const candidate = await system.token('candidate', { candidateId, name: 'Margaret Hamilton' });
  const sittingId = await releasedFoundationPass(system, { staff, candidate });

  // Issued from exam.sitting.released and visible at once in the candidate's portal.
  const mine = await eventually(
    async () => {
      const data = await ok<MyCertificates>(MY_CERTIFICATES, {}, candidate);
      return data.me.certificates.edges.find((e) => e.node.status === 'ISSUED')?.node;
    },
    30_000,
    'the certificate in me { certificates }',
  );
  expect(mine).toMatchObject({
    holderName: 'Margaret Hamilton',
    examCode: 'FOUNDATION',
    issuedOn: new Date().toISOString().slice(0, 10),
  });
  expect(mine.number).toMatch(/^F\d{2}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

  // The exam subgraph's Sitting carries the certificate contributed by this subgraph.
  const sitting = await ok<{ sitting: { id: string; certificate: { number: string } } }>(
    `query($id: ID!) { sitting(id: $id) { id certificate { number } } }`,
    { id: sittingId },
    candidate,
  );
  expect(sitting.sitting.certificate).toEqual({ number: mine.number });
  // Another candidate cannot see it through the sitting or directly.
  const stranger = await system.token('candidate', { candidateId: randomUUID() });
  const foreign = await system.query(
    `query($id: ID!) { certificate(id: $id) { number } }`,
    { id: mine.id },
    stranger,
  );
  expect(foreign.errors?.[0].extensions?.code).toBe('FORBIDDEN');

  // Anyone verifies it without signing in, and sees only what is printed on it.
  const valid = await ok<{ verifyCertificate: Record<string, unknown> }>(VERIFY, {
    n: mine.number.toLowerCase(),
  });
  expect(valid.verifyCertificate).toEqual({
    status: 'VALID',
    number: mine.number,
    message: expect.stringContaining('is valid'),
    holderName: 'Margaret Hamilton',
    examCode: 'FOUNDATION',
    issuedOn: mine.issuedOn,
    revokedOn: null,
  });
  const mistyped = mine.number.slice(0, 5) + (mine.number[5] === 'X' ? 'Y' : 'X') + mine.number.slice(6);
  const typo = await ok<{ verifyCertificate: { status: string; message: string } }>(VERIFY, { n: mistyped });
  expect(typo.verifyCertificate).toMatchObject({
    status: 'INVALID_NUMBER',
    message: expect.stringContaining('typo'),
  });

  // Machine verification, offline from the published JWKS and status list.
  const before = await published();
  expect(await revokedOffline(mine.credential.jwt, before.jwks, before.statusListJwt)).toBe(false);

  // Malpractice found later: the exam service voids the sitting; the certificate service revokes.
  await ok(
    `mutation($id: ID!) { voidSitting(input: { sittingId: $id, reason: "Unauthorised notes found" }) { state } }`,
    { id: sittingId },
    staff,
  );
  const revoked = await eventually(
    async () => {
      const data = await ok<{ verifyCertificate: { status: string; revokedOn: string | null } }>(VERIFY, {
        n: mine.number,
      });
      return data.verifyCertificate.status === 'REVOKED' ? data.verifyCertificate : undefined;
    },
    30_000,
    'verification to say REVOKED',
  );
  expect(revoked.revokedOn).toBe(new Date().toISOString().slice(0, 10));

  const mineAfter = await ok<MyCertificates>(MY_CERTIFICATES, {}, candidate);
  expect(mineAfter.me.certificates.edges.map((e) => e.node)).toContainEqual(
    expect.objectContaining({ number: mine.number, status: 'REVOKED' }),
  );
  const after = await published();
  expect(await revokedOffline(mine.credential.jwt, after.jwks, after.statusListJwt)).toBe(true);
});

it('public verification is rate-limited per client through the gateway (RATE_LIMITED)', async () => {
  // Every anonymous request here comes from 127.0.0.1: one bucket of 12, refilled at one a minute;
  // the first test already spent a few of them.
  let code: unknown;
  for (let i = 0; i < 20 && code === undefined; i++) {
    const result = await system.query(VERIFY, { n: 'F26-7K3Q-M9PA' });
    code = result.errors?.[0]?.extensions?.code;
  }
  expect(code).toBe('RATE_LIMITED');
  // A signed-in client has its own budget.
  const someone = await system.token('candidate', { candidateId: randomUUID() });
  const own = await system.query<{ verifyCertificate: { status: string } }>(
    VERIFY,
    { n: 'F26-7K3Q-M9PA' },
    someone,
  );
  expect(own.errors).toBeUndefined();
  expect(own.data?.verifyCertificate.status).toBe('NOT_FOUND');
});
