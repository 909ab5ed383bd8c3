import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { createTestDatabase, viewers } from '@iso20000/testing';
import { generateSigningKeyJwk, parseSigningKey } from '@iso20000/credentials';
import { createLogger, loadConfig } from '@iso20000/service-kit';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { registryServiceConfig, type RegistryServiceConfig } from '../src/config';
import { loadRegistryIssuer } from '../src/credentials/registry-issuer';
import { entities, migrations } from '../src/data-source';
import { SignedRegistryRecords1764900000004 } from '../src/migrations/1764900000004-signed-registry-records';
import { ISSUE, issueInput, key, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const staff = viewers.schemeStaff();
const VERIFY = `query($n: String!, $rcb: ID) { verifyOrganizationCertification(certificateNumber: $n, rcbId: $rcb) {
  status signedRecord { jwt validFrom validUntil statusListUrls keysUrl } } }`;
const VERIFY_NUMBER = `query($n: String!) { verifyCertificateNumber(certificateNumber: $n) {
  matches { rcbName signedRecord { jwt } } } }`;
const KEYS = `{ registryIssuerKeys { keys { kty crv x kid alg use } } }`;
const STATUS_LIST = `query($purpose: RegistryStatusPurpose!, $list: Int) {
  registryStatusList(purpose: $purpose, list: $list) { id purpose list jwt } }`;
const SUSPEND = `mutation($id: ID!, $v: Int!, $key: String!) {
  suspendCertification(id: $id, expectedVersion: $v, reason: "major nonconformity", idempotencyKey: $key) { certification { version } } }`;
const REINSTATE = `mutation($id: ID!, $v: Int!, $key: String!) {
  reinstateCertification(id: $id, expectedVersion: $v, idempotencyKey: $key) { certification { version } } }`;
const WITHDRAW = `mutation($id: ID!, $v: Int!, $key: String!) {
  withdrawCertification(id: $id, expectedVersion: $v, reason: "client request", idempotencyKey: $key) { certification { version } } }`;

interface SignedRecordView {
  jwt: string;
  validFrom: string;
  validUntil: string;
  statusListUrls: string[];
  keysUrl: string;
}
interface StatusEntry {
  id: string;
  type: string;
  statusPurpose: 'suspension' | 'revocation';
  statusListIndex: string;
  statusListCredential: string;
}

async function issued(rcbName: string) {
  const rcbId = randomUUID();
  const integration = viewers.rcbIntegration(rcbId);
  await h.setRcbStatus(rcbId, 'APPOINTED', rcbName);
  const input = issueInput({ cycleStart: '2026-01-15' });
  const r = await h.ok<{
    issueCertification: { certification: { id: string; certificateNumber: string } };
  }>(integration, ISSUE, { input, key: key() });
  const { id, certificateNumber } = r.issueCertification.certification;
  return { rcbId, integration, id, certificateNumber, scope: input.scope as string };
}

async function signedRecord(number: string, rcbId: string, viewer = staff): Promise<SignedRecordView> {
  const r = await h.ok<{ verifyOrganizationCertification: { signedRecord: SignedRecordView } }>(
    viewer,
    VERIFY,
    {
      n: number,
      rcb: rcbId,
    },
  );
  return r.verifyOrganizationCertification.signedRecord;
}

/** The published JWKS, as a relying party fetches it once and keeps it. */
async function publishedKeys(): Promise<JSONWebKeySet> {
  return (await h.ok<{ registryIssuerKeys: JSONWebKeySet }>(viewers.public, KEYS)).registryIssuerKeys;
}

/** Verifies the record offline with jose against the JWKS alone. */
async function verified(jwt: string, jwks: JSONWebKeySet) {
  const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(jwks), {
    typ: 'vc+jwt',
    algorithms: ['EdDSA'],
  });
  return { payload: payload as Record<string, unknown>, protectedHeader };
}

/** Fetches the list the entry names, checks its signature, decodes gzip + base64url and reads the bit. */
async function statusBit(
  entry: StatusEntry,
  jwks: JSONWebKeySet,
): Promise<{ bit: boolean; entries: number }> {
  const list = Number(/\/(\d+)$/.exec(entry.statusListCredential)?.[1]);
  const r = await h.ok<{ registryStatusList: { id: string; purpose: string; list: number; jwt: string } }>(
    viewers.public,
    STATUS_LIST,
    { purpose: entry.statusPurpose.toUpperCase(), list },
  );
  expect(r.registryStatusList).toMatchObject({
    id: entry.statusListCredential,
    purpose: entry.statusPurpose.toUpperCase(),
    list,
  });
  const { payload } = await verified(r.registryStatusList.jwt, jwks);
  expect(payload.id).toBe(entry.statusListCredential);
  expect(payload.type).toEqual(['VerifiableCredential', 'BitstringStatusListCredential']);
  const subject = payload.credentialSubject as { type: string; statusPurpose: string; encodedList: string };
  expect(subject).toMatchObject({ type: 'BitstringStatusList', statusPurpose: entry.statusPurpose });
  expect(subject.encodedList.startsWith('u')).toBe(true);
  const bits = gunzipSync(Buffer.from(subject.encodedList.slice(1), 'base64url'));
  const index = Number(entry.statusListIndex);
  return { bit: (bits[index >> 3] & (0x80 >> (index & 7))) !== 0, entries: bits.length * 8 };
}

async function version(id: string): Promise<number> {
  const rows = (await h.db.dataSource.query(`SELECT version FROM organization_certification WHERE id = $1`, [
    id,
  ])) as { version: number }[];
  return rows[0].version;
}

describe('signed registry records', () => {
  it('verify offline with jose against the published JWKS and say what verification says', async () => {
    const c = await issued('Signed Certification Ltd');
    const jwks = await publishedKeys();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(JSON.stringify(jwks)).not.toContain('"d"');

    const before = Date.now();
    const record = await signedRecord(c.certificateNumber, c.rcbId, viewers.public);
    const { payload, protectedHeader } = await verified(record.jwt, jwks);
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: jwks.keys[0].kid, typ: 'vc+jwt' });
    expect(payload['@context']).toEqual(['https://www.w3.org/ns/credentials/v2']);
    expect(payload.type).toEqual(['VerifiableCredential', 'RegistryCertificationRecord']);
    expect(payload.issuer).toEqual({
      id: 'http://localhost:4010/registry',
      name: 'ISO/IEC 20000 Certification Scheme registry',
    });
    expect(payload.credentialSubject).toMatchObject({
      id: `http://localhost:4010/registry/certifications/${c.id}`,
      organization: { legalName: 'Acme Services Ltd', country: 'GB' },
      certificateNumber: c.certificateNumber,
      certificationBody: { id: `urn:uuid:${c.rcbId}`, name: 'Signed Certification Ltd' },
      standard: 'ISO_IEC_20000_1_2018',
      scope: c.scope,
      status: 'CERTIFIED',
      cycleStart: '2026-01-15',
      expiry: '2029-01-14',
    });
    // validFrom is now; validUntil the 30-day horizon (sooner than the expiry in 2029)
    const validFrom = Date.parse(payload.validFrom as string);
    expect(validFrom).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(payload.validUntil as string) - validFrom).toBe(30 * 86_400_000);
    expect(record.validUntil).toBe(payload.validUntil);

    // Tampered: the signature no longer verifies.
    const [header, body, signature] = record.jwt.split('.');
    const renamed = Buffer.from(body, 'base64url')
      .toString('utf8')
      .replace('Acme Services Ltd', 'Mallory Ltd');
    await expect(
      verified([header, Buffer.from(renamed).toString('base64url'), signature].join('.'), jwks),
    ).rejects.toThrow();

    // Two entries, one per purpose, at the same index of list 1, at the URLs the web serves.
    const entries = payload.credentialStatus as StatusEntry[];
    expect(entries.map((e) => [e.type, e.statusPurpose])).toEqual([
      ['BitstringStatusListEntry', 'suspension'],
      ['BitstringStatusListEntry', 'revocation'],
    ]);
    expect(entries[0].statusListIndex).toBe(entries[1].statusListIndex);
    expect(record.statusListUrls).toEqual([
      'http://localhost:4010/registry/status-lists/suspension/1',
      'http://localhost:4010/registry/status-lists/revocation/1',
    ]);
    expect(entries.map((e) => e.statusListCredential)).toEqual(record.statusListUrls);
    expect(record.keysUrl).toBe('http://localhost:4010/registry/.well-known/jwks.json');
  });

  it('have a suspension bit that flips on suspension and back on reinstatement, and a revocation bit set on withdrawal', async () => {
    const c = await issued('Status Bits Certification');
    const jwks = await publishedKeys();
    const first = await verified((await signedRecord(c.certificateNumber, c.rcbId)).jwt, jwks);
    const [suspension, revocation] = first.payload.credentialStatus as StatusEntry[];

    expect(await statusBit(suspension, jwks)).toEqual({ bit: false, entries: 131_072 });
    expect((await statusBit(revocation, jwks)).bit).toBe(false);

    await h.ok(c.integration, SUSPEND, { id: c.id, v: await version(c.id), key: key() });
    // The record kept from before tells the relying party nothing new: the list does.
    expect((await statusBit(suspension, jwks)).bit).toBe(true);
    expect((await statusBit(revocation, jwks)).bit).toBe(false);
    const whileSuspended = await verified((await signedRecord(c.certificateNumber, c.rcbId)).jwt, jwks);
    expect(whileSuspended.payload.credentialSubject).toMatchObject({
      status: 'SUSPENDED',
      statusReason: 'major nonconformity',
    });
    expect(whileSuspended.payload.credentialStatus).toEqual(first.payload.credentialStatus);

    await h.ok(c.integration, REINSTATE, { id: c.id, v: await version(c.id), key: key() });
    expect((await statusBit(suspension, jwks)).bit).toBe(false);

    await h.ok(c.integration, WITHDRAW, { id: c.id, v: await version(c.id), key: key() });
    expect((await statusBit(revocation, jwks)).bit).toBe(true);
    expect((await statusBit(suspension, jwks)).bit).toBe(false);
    const withdrawn = await verified((await signedRecord(c.certificateNumber, c.rcbId)).jwt, jwks);
    expect(withdrawn.payload.credentialSubject).toMatchObject({ status: 'WITHDRAWN' });
  });

  it('keep one unique index per certification, stable across re-reads', async () => {
    const a = await issued('Index Certification A');
    const b = await issued('Index Certification B');
    const jwks = await publishedKeys();
    const indexOf = async (c: { certificateNumber: string; rcbId: string }) => {
      const { payload } = await verified((await signedRecord(c.certificateNumber, c.rcbId)).jwt, jwks);
      return (payload.credentialStatus as StatusEntry[])[0].statusListIndex;
    };
    const [a1, b1, a2, b2] = [await indexOf(a), await indexOf(b), await indexOf(a), await indexOf(b)];
    expect(a1).toBe(a2);
    expect(b1).toBe(b2);
    expect(a1).not.toBe(b1);
    const stored = (await h.db.dataSource.query(
      `SELECT count(*)::int AS rows, count(DISTINCT status_list_index)::int AS indexes,
              count(*) FILTER (WHERE status_list_index IS NULL)::int AS missing FROM organization_certification`,
    )) as { rows: number; indexes: number; missing: number }[];
    expect(stored[0].indexes).toBe(stored[0].rows);
    expect(stored[0].missing).toBe(0);
    await expect(
      h.db.dataSource.query(`UPDATE organization_certification SET status_list_index = $1 WHERE id = $2`, [
        Number(a1),
        b.id,
      ]),
    ).rejects.toThrow(/uq_organization_certification_status_list_index/);
  });

  it('come with every match of a number used by two RCBs, each signed with its own RCB', async () => {
    const number = `SHARED-${randomUUID().slice(0, 8)}`;
    const jwks = await publishedKeys();
    for (const name of ['First Shared RCB', 'Second Shared RCB']) {
      const rcbId = randomUUID();
      await h.setRcbStatus(rcbId, 'APPOINTED', name);
      await h.ok(viewers.rcbIntegration(rcbId), ISSUE, {
        input: issueInput({ certificateNumber: number }),
        key: key(),
      });
    }
    const r = await h.ok<{
      verifyCertificateNumber: { matches: { rcbName: string; signedRecord: { jwt: string } }[] };
    }>(staff, VERIFY_NUMBER, { n: number });
    const signedBy = await Promise.all(
      r.verifyCertificateNumber.matches.map(async (m) => {
        const { payload } = await verified(m.signedRecord.jwt, jwks);
        return [
          m.rcbName,
          (payload.credentialSubject as { certificationBody: { name: string } }).certificationBody.name,
        ];
      }),
    );
    expect(signedBy).toEqual([
      ['First Shared RCB', 'First Shared RCB'],
      ['Second Shared RCB', 'Second Shared RCB'],
    ]);
  });

  it('refuse a status list number out of range as BAD_USER_INPUT', async () => {
    const r = await h.as(viewers.public, STATUS_LIST, { purpose: 'REVOCATION', list: 0 });
    expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

it('the migration gives every existing certification its own status-list index (backfill)', async () => {
  await using db = await createTestDatabase('registry', { entities, migrations });
  const ds = db.dataSource;
  const organization = randomUUID();
  await ds.query(
    `INSERT INTO certified_organization (id, legal_name, other_names, country, address, public_listing, search_text, sort_name, created_at, updated_at)
     VALUES ($1, 'Org', '[]', 'GB', '{"lines":["1 St"],"city":"C","postalCode":null,"country":"GB"}', true, 'Org', 'org', now(), now())`,
    [organization],
  );
  for (const n of ['N-1', 'N-2', 'N-3']) {
    await ds.query(
      `INSERT INTO organization_certification (id, organization_id, rcb_id, certificate_number, standard, scope, sites, original_issue_date,
         cycle_start, expiry, surveillance_audits, status, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'ISO_IEC_20000_1_2018', 'IT', '[]', '2025-01-01', '2025-01-01', '2027-12-31', '[]', 'CERTIFIED', 1, now(), now())`,
      [randomUUID(), organization, randomUUID(), n],
    );
  }
  // As on a database that had these rows before the migration: take the column away, then migrate.
  const runner = ds.createQueryRunner();
  try {
    const migration = new SignedRegistryRecords1764900000004();
    await migration.down(runner);
    await migration.up(runner);
  } finally {
    await runner.release();
  }
  const rows = (await ds.query(`SELECT status_list_index FROM organization_certification`)) as {
    status_list_index: number;
  }[];
  expect(rows).toHaveLength(3);
  expect(new Set(rows.map((r) => r.status_list_index)).size).toBe(3);
  expect(rows.every((r) => Number.isInteger(r.status_list_index) && r.status_list_index >= 0)).toBe(true);
});

describe('the registry signing key', () => {
  // The configuration as loaded, with only what the key depends on changed.
  const base = () =>
    loadConfig(registryServiceConfig, {
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: 'postgres://unused/db',
    });
  const config = (change: Partial<RegistryServiceConfig>): RegistryServiceConfig => ({
    ...base(),
    ...change,
  });
  const logger = createLogger('signed-records-test', 'silent');

  it('in development is generated once and kept in the database: a restart signs with the same kid', async () => {
    const published = (await publishedKeys()).keys[0].kid;
    const restarted = await loadRegistryIssuer(h.db.dataSource, config({ NODE_ENV: 'development' }), logger);
    expect(restarted.key.kid).toBe(published);
    expect(await h.db.dataSource.query(`SELECT id FROM registry_signing_key`)).toEqual([
      { id: 'development' },
    ]);
  });

  it('is required in production, and a configured one is used as is', async () => {
    await expect(
      loadRegistryIssuer(h.db.dataSource, config({ NODE_ENV: 'production' }), logger),
    ).rejects.toThrow('REGISTRY_SIGNING_KEY is required when NODE_ENV=production');
    const configured = JSON.stringify(generateSigningKeyJwk());
    const issuer = await loadRegistryIssuer(
      h.db.dataSource,
      config({ NODE_ENV: 'production', REGISTRY_SIGNING_KEY: configured }),
      logger,
    );
    expect(issuer.key.kid).toBe((await parseSigningKey(configured)).kid);
  });
});
