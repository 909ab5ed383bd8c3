import { randomUUID } from 'node:crypto';
import { entitiesBy, pendingSchemaChanges } from '@iso20000/service-kit';
import { entitiesBothWays, errorCodes, viewers } from '@iso20000/testing';
import { checkCharacter, NUMBER_ALPHABET } from '../src/domain/certificate-number';
import { fromPrivateKey, jwksOf, verifySignedCredential } from '@iso20000/credentials';
import { verifyCertificateOffline } from '../src/credentials/sign-credential';
import { loadSigningKey } from '../src/credentials/issuer';
import { CertificateEntity } from '../src/entities/certificate.entity';
import { BadgeEntity } from '../src/entities/badge.entity';
import { CertificateVersionEntity } from '../src/entities/certificate-version.entity';
import { HardCopyOrderEntity } from '../src/entities/hard-copy-order.entity';
import { recordReleasedPass } from '../src/commands/issue-certificate';
import { issueStillPendingCertificates } from '../src/commands/issue-pending-certificates';
import { generateKeyPairSync } from 'node:crypto';
import {
  logger,
  release,
  startCertificateHarness,
  type CertificateHarness,
} from './certificate-test-harness';

let h: CertificateHarness;
beforeAll(async () => {
  h = await startCertificateHarness();
});
afterAll(async () => h?.close());

const VERIFY = `query ($n: String!) { verifyCertificate(number: $n) { status number message holderName examCode examTitle issuedOn revokedOn } }`;
const CERTIFICATE = `query ($id: ID!) { certificate(id: $id) { id number status holderName version versions { version holderName reason } credential { jwt document statusListIndex statusListUrl } } }`;

/** Another valid-looking number: same prefix, different body, correct check character. */
function unusedNumber(): string {
  const body = `F26${'7K3QM9P'
    .split('')
    .map(() => NUMBER_ALPHABET[Math.floor(Math.random() * 32)])
    .join('')}`;
  const n = body + checkCharacter(body);
  return `${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`;
}

function typo(number: string): string {
  const i = 5; // a character of the body
  const replacement = number[i] === 'X' ? 'Y' : 'X';
  return number.slice(0, i) + replacement + number.slice(i + 1);
}

describe('public verification', () => {
  it('VALID with only what is printed on the certificate', async () => {
    const certificate = await h.issue({ candidateName: 'Grace Hopper', examCode: 'PRACTITIONER' });
    const { data } = await h.run(
      viewers.public,
      VERIFY,
      { n: certificate.number.toLowerCase() },
      { 'x-forwarded-for': '203.0.113.1' },
    );
    expect(data?.verifyCertificate).toEqual({
      status: 'VALID',
      number: certificate.number,
      message: expect.stringContaining('is valid'),
      holderName: 'Grace Hopper',
      examCode: 'PRACTITIONER',
      examTitle: 'ISO/IEC 20000 Practitioner',
      issuedOn: new Date().toISOString().slice(0, 10),
      revokedOn: null,
    });
  });

  it('NOT_FOUND for a well-formed number nobody was given; INVALID_NUMBER with a clear message for a typo', async () => {
    const certificate = await h.issue();
    const headers = { 'x-forwarded-for': '203.0.113.2' };
    const missing = await h.run(viewers.public, VERIFY, { n: unusedNumber() }, headers);
    expect(missing.data?.verifyCertificate).toMatchObject({ status: 'NOT_FOUND', holderName: null });
    const mistyped = await h.run(viewers.public, VERIFY, { n: typo(certificate.number) }, headers);
    expect(mistyped.data?.verifyCertificate).toMatchObject({
      status: 'INVALID_NUMBER',
      holderName: null,
      message: expect.stringContaining('typo'),
    });
    const garbage = await h.run(viewers.public, VERIFY, { n: 'hello' }, headers);
    expect(garbage.data?.verifyCertificate).toMatchObject({
      status: 'INVALID_NUMBER',
      message: expect.stringContaining('looks like'),
    });
  });

  it('is rate-limited per client: the sixth call within a minute is RATE_LIMITED, other clients are unaffected', async () => {
    const certificate = await h.issue();
    const client = { 'x-forwarded-for': '198.51.100.7' };
    for (let i = 0; i < 5; i++) {
      const ok = await h.run(viewers.public, VERIFY, { n: certificate.number }, client);
      expect(ok.errors).toBeUndefined();
    }
    const limited = await h.run(viewers.public, VERIFY, { n: certificate.number }, client);
    expect(errorCodes(limited)).toEqual(['RATE_LIMITED']);
    expect(limited.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(0);
    // the gateway's own entry (last) counts, not one a client prepended
    const spoofed = await h.run(
      viewers.public,
      VERIFY,
      { n: certificate.number },
      { 'x-forwarded-for': '10.9.9.9, 198.51.100.7' },
    );
    expect(errorCodes(spoofed)).toEqual(['RATE_LIMITED']);
    const other = await h.run(
      viewers.public,
      VERIFY,
      { n: certificate.number },
      { 'x-forwarded-for': '198.51.100.8' },
    );
    expect(other.errors).toBeUndefined();
    const signedIn = await h.run(viewers.candidate(randomUUID()), VERIFY, { n: certificate.number }, client);
    expect(signedIn.errors).toBeUndefined();
  });
});

describe('who sees what', () => {
  it('the holder, their ATO and scheme staff see a certificate; other candidates, other ATOs and analysts do not; the public must sign in', async () => {
    const atoId = randomUUID();
    const certificate = await h.issue({ atoId });
    const allowed = [
      viewers.candidate(certificate.candidateId),
      viewers.atoStaff(atoId),
      viewers.schemeStaff(),
    ];
    for (const viewer of allowed) {
      const { data, errors } = await h.run(viewer, CERTIFICATE, { id: certificate.id });
      expect(errors).toBeUndefined();
      expect(data?.certificate).toMatchObject({ number: certificate.number });
    }
    expect(
      errorCodes(await h.run(viewers.candidate(randomUUID()), CERTIFICATE, { id: certificate.id })),
    ).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(await h.run(viewers.atoStaff(randomUUID()), CERTIFICATE, { id: certificate.id })),
    ).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.run(viewers.analyst(), CERTIFICATE, { id: certificate.id }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(errorCodes(await h.run(viewers.public, CERTIFICATE, { id: certificate.id }))).toEqual([
      'UNAUTHENTICATED',
    ]);
  });

  it('Candidate.certificates: ATO staff see only those earned through their ATO; Sitting.certificate is null for others', async () => {
    const candidateId = randomUUID();
    const atoId = randomUUID();
    const viaAto = await h.issue({ candidateId, atoId });
    const selfStudy = await h.issue({ candidateId, atoId: null, examCode: 'PRACTITIONER' });
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Candidate { certificates { edges { node { number } } } } } }`;
    const numbers = async (viewer: Parameters<CertificateHarness['run']>[0]) => {
      const data = await h.ok<{ _entities: { certificates: { edges: { node: { number: string } }[] } }[] }>(
        viewer,
        query,
        {
          r: [{ __typename: 'Candidate', id: candidateId }],
        },
      );
      return data._entities[0].certificates.edges.map((e) => e.node.number).sort();
    };
    expect(await numbers(viewers.candidate(candidateId))).toEqual([viaAto.number, selfStudy.number].sort());
    expect(await numbers(viewers.schemeStaff())).toEqual([viaAto.number, selfStudy.number].sort());
    expect(await numbers(viewers.atoStaff(atoId))).toEqual([viaAto.number]);
    const other = await h.run(viewers.candidate(randomUUID()), query, {
      r: [{ __typename: 'Candidate', id: candidateId }],
    });
    expect(errorCodes(other)).toEqual(['FORBIDDEN']);

    const sitting = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Sitting { certificate { number } } } }`;
    const own = await h.ok<{ _entities: { certificate: { number: string } | null }[] }>(
      viewers.candidate(candidateId),
      sitting,
      {
        r: [{ __typename: 'Sitting', id: viaAto.sittingId }],
      },
    );
    expect(own._entities[0].certificate).toEqual({ number: viaAto.number });
    const foreign = await h.ok<{ _entities: { certificate: null }[] }>(
      viewers.candidate(randomUUID()),
      sitting,
      {
        r: [{ __typename: 'Sitting', id: viaAto.sittingId }],
      },
    );
    expect(foreign._entities[0].certificate).toBeNull();
  });

  it('resolves Certificate references by id and by number for those allowed', async () => {
    const certificate = await h.issue();
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Certificate { id number holderName } } }`;
    const data = await h.ok<{ _entities: ({ id: string } | null)[] }>(viewers.schemeStaff(), query, {
      r: [
        { __typename: 'Certificate', id: certificate.id },
        { __typename: 'Certificate', number: certificate.number },
      ],
    });
    expect(data._entities).toEqual([
      expect.objectContaining({ id: certificate.id }),
      expect.objectContaining({ id: certificate.id }),
    ]);
    const hidden = await h.ok<{ _entities: unknown[] }>(viewers.candidate(randomUUID()), query, {
      r: [{ __typename: 'Certificate', id: certificate.id }],
    });
    expect(hidden._entities).toEqual([null]);
  });
});

describe('signed credential', () => {
  it('verifies against the published JWKS and its status list; fails after tampering', async () => {
    const certificate = await h.issue({ candidateName: 'Katherine Johnson' });
    const data = await h.ok<{
      certificate: {
        credential: {
          jwt: string;
          document: { credentialSubject: { identifier: { identityHash: string }[] } };
          statusListUrl: string;
        };
      };
    }>(viewers.schemeStaff(), CERTIFICATE, { id: certificate.id });
    const { jwt, document, statusListUrl } = data.certificate.credential;
    expect(document.credentialSubject.identifier[0].identityHash).toBe('Katherine Johnson');
    expect(statusListUrl).toBe('https://certificates.example.org/status-lists/1');

    const published = await h.ok<{
      certificateIssuerKeys: { keys: unknown[] };
      certificateStatusList: { jwt: string; id: string };
    }>(viewers.public, `{ certificateIssuerKeys certificateStatusList { id jwt } }`);
    const jwks = published.certificateIssuerKeys as Parameters<typeof verifyCertificateOffline>[1]['jwks'];
    expect(published.certificateStatusList.id).toBe(statusListUrl);
    await expect(
      verifyCertificateOffline(jwt, { jwks, statusListJwt: published.certificateStatusList.jwt }),
    ).resolves.toMatchObject({ revoked: false });

    const [header, payload, signature] = jwt.split('.');
    const forged = Buffer.from(
      Buffer.from(payload, 'base64url').toString('utf8').replace('Katherine Johnson', 'Mallory Forger'),
    ).toString('base64url');
    await expect(verifySignedCredential([header, forged, signature].join('.'), jwks)).rejects.toThrow(
      'does not verify',
    );
  });

  it('the development key is generated once and survives a restart', async () => {
    const again = await loadSigningKey(h.db.dataSource, { production: false }, logger);
    expect(again.kid).toBe(h.service.issuer.key.kid);
    await expect(loadSigningKey(h.db.dataSource, { production: true }, logger)).rejects.toThrow(
      'CERTIFICATE_SIGNING_KEY',
    );
  });
});

describe('scheme staff', () => {
  it('correct the holder name: same number, next version, history kept, new credential signed with the new name', async () => {
    const certificate = await h.issue({ candidateName: 'Jon Smtih' });
    const mutation = `mutation ($i: CorrectCertificateHolderNameInput!) { correctCertificateHolderName(input: $i) { number holderName version } }`;
    const input = {
      certificateId: certificate.id,
      holderName: 'Jon Smith',
      reason: 'Typo in surname reported by the candidate',
    };
    expect(
      errorCodes(await h.run(viewers.candidate(certificate.candidateId), mutation, { i: input })),
    ).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(await h.run(viewers.schemeStaff(), mutation, { i: { ...input, holderName: '  ' } })),
    ).toEqual(['BAD_USER_INPUT']);
    const corrected = await h.ok<{ correctCertificateHolderName: unknown }>(viewers.schemeStaff(), mutation, {
      i: input,
    });
    expect(corrected.correctCertificateHolderName).toEqual({
      number: certificate.number,
      holderName: 'Jon Smith',
      version: 2,
    });

    const data = await h.ok<{ certificate: { versions: unknown[]; credential: { jwt: string } } }>(
      viewers.schemeStaff(),
      CERTIFICATE,
      { id: certificate.id },
    );
    expect(data.certificate.versions).toEqual([
      { version: 1, holderName: 'Jon Smtih', reason: null },
      { version: 2, holderName: 'Jon Smith', reason: 'Typo in surname reported by the candidate' },
    ]);
    const credential = await verifySignedCredential(
      data.certificate.credential.jwt,
      jwksOf(h.service.issuer.key),
    );
    expect(JSON.stringify(credential)).toContain('Jon Smith');
    const verification = await h.run(
      viewers.public,
      VERIFY,
      { n: certificate.number },
      { 'x-forwarded-for': '192.0.2.50' },
    );
    expect(verification.data?.verifyCertificate).toMatchObject({ status: 'VALID', holderName: 'Jon Smith' });
  });

  it('revoke with a reason: verification, badge page and status list say REVOKED; a second revocation is a CONFLICT', async () => {
    const certificate = await h.issue();
    const holder = viewers.candidate(certificate.candidateId);
    const claimed = await h.ok<{ claimCertificateBadge: { id: string } }>(
      holder,
      `mutation ($c: ID!) { claimCertificateBadge(certificateId: $c) { id } }`,
      {
        c: certificate.id,
      },
    );
    const revoke = `mutation ($i: RevokeCertificateInput!) { revokeCertificate(input: $i) { status revocation { revokedOn reason } } }`;
    expect(
      errorCodes(await h.run(holder, revoke, { i: { certificateId: certificate.id, reason: 'x' } })),
    ).toEqual(['FORBIDDEN']);
    const revoked = await h.ok<{ revokeCertificate: unknown }>(viewers.schemeStaff(), revoke, {
      i: { certificateId: certificate.id, reason: 'Exam paper leaked' },
    });
    const today = new Date().toISOString().slice(0, 10);
    expect(revoked.revokeCertificate).toEqual({
      status: 'REVOKED',
      revocation: { revokedOn: today, reason: 'Exam paper leaked' },
    });
    expect(
      errorCodes(
        await h.run(viewers.schemeStaff(), revoke, { i: { certificateId: certificate.id, reason: 'again' } }),
      ),
    ).toEqual(['CONFLICT']);

    const verification = await h.run(
      viewers.public,
      VERIFY,
      { n: certificate.number },
      { 'x-forwarded-for': '192.0.2.51' },
    );
    expect(verification.data?.verifyCertificate).toMatchObject({ status: 'REVOKED', revokedOn: today });
    const page = await h.ok<{
      certificateBadge: { verification: { status: string }; credentialJwt: string | null };
    }>(
      viewers.public,
      `query ($id: ID!) { certificateBadge(id: $id) { verification { status } credentialJwt } }`,
      { id: claimed.claimCertificateBadge.id },
    );
    expect(page.certificateBadge).toEqual({ verification: { status: 'REVOKED' }, credentialJwt: null });

    const list = await h.ok<{ certificateStatusList: { jwt: string } }>(
      viewers.public,
      `{ certificateStatusList(list: 1) { jwt } }`,
    );
    const jwt = (
      (await h.db.dataSource.query(
        `SELECT "credential_jwt" FROM "certificate_version" WHERE "certificate_id" = $1`,
        [certificate.id],
      )) as {
        credential_jwt: string;
      }[]
    )[0].credential_jwt;
    await expect(
      verifyCertificateOffline(jwt, {
        jwks: jwksOf(h.service.issuer.key),
        statusListJwt: list.certificateStatusList.jwt,
      }),
    ).resolves.toMatchObject({ revoked: true });
  });

  it('see certificates pending past their due date; the sweep issues them', async () => {
    // A key that cannot sign (an X25519 key) makes issuing fail: the release stays recorded as PENDING.
    const brokenIssuer = {
      ...h.service.issuer,
      key: {
        ...(await fromPrivateKey(generateKeyPairSync('ed25519').privateKey)),
        privateKey: generateKeyPairSync('x25519').privateKey,
      },
    };
    const released = release({ releasedAt: '2026-01-02T10:00:00Z' });
    const pending = await h.db.dataSource.transaction((manager) =>
      recordReleasedPass(manager, released, brokenIssuer, logger),
    );
    expect(pending).toMatchObject({ status: 'PENDING', dueOn: '2026-01-06' });

    const overdue = `{ overdueCertificates(first: 100) { edges { node { id status dueOn } } } }`;
    expect(errorCodes(await h.run(viewers.atoStaff(randomUUID()), overdue))).toEqual(['FORBIDDEN']);
    const listed = await h.ok<{ overdueCertificates: { edges: { node: { id: string } }[] } }>(
      viewers.schemeStaff(),
      overdue,
    );
    expect(listed.overdueCertificates.edges.map((e) => e.node)).toContainEqual({
      id: pending!.id,
      status: 'PENDING',
      dueOn: '2026-01-06',
    });
    const verification = await h.run(
      viewers.public,
      VERIFY,
      { n: pending!.number },
      { 'x-forwarded-for': '192.0.2.52' },
    );
    expect(verification.data?.verifyCertificate).toMatchObject({ status: 'NOT_FOUND' });

    expect(
      await issueStillPendingCertificates(h.db.dataSource, h.service.issuer, logger),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await h.db.dataSource.getRepository(CertificateEntity).findOneBy({ id: pending!.id }),
    ).toMatchObject({ status: 'ISSUED', version: 1 });
    const after = await h.ok<{ overdueCertificates: { edges: { node: { id: string } }[] } }>(
      viewers.schemeStaff(),
      overdue,
    );
    expect(after.overdueCertificates.edges.map((e) => e.node.id)).not.toContain(pending!.id);
  });
});

describe('badge', () => {
  it('the holder claims it (once), with embed snippets; the badge page is public', async () => {
    const certificate = await h.issue({ candidateName: 'Ada <b>Lovelace</b>' });
    const claim = `mutation ($c: ID!) { claimCertificateBadge(certificateId: $c) { id pageUrl embeds { html emailSignatureHtml cvLink cvText } credential { jwt } } }`;
    expect(errorCodes(await h.run(viewers.schemeStaff(), claim, { c: certificate.id }))).toEqual([
      'FORBIDDEN',
    ]);
    const holder = viewers.candidate(certificate.candidateId);
    const first = await h.ok<{
      claimCertificateBadge: { id: string; pageUrl: string; embeds: Record<string, string> };
    }>(holder, claim, { c: certificate.id });
    const again = await h.ok<{ claimCertificateBadge: { id: string } }>(holder, claim, { c: certificate.id });
    expect(again.claimCertificateBadge.id).toBe(first.claimCertificateBadge.id);
    const badge = first.claimCertificateBadge;
    expect(badge.pageUrl).toBe(`https://certificates.example.org/badges/${badge.id}`);
    expect(badge.embeds.html).toContain(`href="${badge.pageUrl}"`);
    expect(badge.embeds.html).not.toContain('<b>'); // the holder's name is escaped
    expect(badge.embeds.cvLink).toBe(`https://certificates.example.org/verify/${certificate.number}`);

    const page = await h.ok<{
      certificateBadge: { verification: { status: string; holderName: string }; credentialJwt: string };
    }>(
      viewers.public,
      `query ($id: ID!) { certificateBadge(id: $id) { verification { status holderName } credentialJwt } }`,
      { id: badge.id },
    );
    expect(page.certificateBadge.verification).toEqual({
      status: 'VALID',
      holderName: 'Ada <b>Lovelace</b>',
    });
    expect(page.certificateBadge.credentialJwt).toMatch(/^ey/);
  });
});

describe('hard copies', () => {
  const address = {
    recipientName: 'Ada Lovelace',
    lines: ['12 St James Square'],
    city: 'London',
    postalCode: 'SW1Y 4JH',
    country: 'GB',
  };
  const ORDER = `mutation ($i: OrderCertificateHardCopyInput!) { orderCertificateHardCopy(input: $i) { id status kind price { amount currency } paidBy } }`;

  it('order (GBP 12.00) -> paid -> printed -> dispatched with tracking; then a replacement for a lost copy', async () => {
    const certificate = await h.issue();
    const holder = viewers.candidate(certificate.candidateId);
    const bad = await h.run(holder, ORDER, {
      i: { certificateId: certificate.id, shippingAddress: { ...address, postalCode: '12345' } },
    });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors?.[0].message).toContain('postalCode');
    expect(
      errorCodes(
        await h.run(viewers.candidate(randomUUID()), ORDER, {
          i: { certificateId: certificate.id, shippingAddress: address },
        }),
      ),
    ).toEqual(['FORBIDDEN']);
    const ordered = await h.ok<{ orderCertificateHardCopy: { id: string } }>(holder, ORDER, {
      i: { certificateId: certificate.id, shippingAddress: address },
    });
    expect(ordered.orderCertificateHardCopy).toMatchObject({
      status: 'PENDING_PAYMENT',
      kind: 'ORIGINAL',
      price: { amount: '12.00', currency: 'GBP' },
      paidBy: 'CANDIDATE',
    });
    const orderId = ordered.orderCertificateHardCopy.id;
    expect(
      errorCodes(
        await h.run(holder, ORDER, { i: { certificateId: certificate.id, shippingAddress: address } }),
      ),
    ).toEqual(['CONFLICT']);

    const step = async (mutation: string, variables: Record<string, unknown>) =>
      h.ok<Record<string, { status: string; trackingReference: string | null }>>(
        viewers.schemeStaff(),
        mutation,
        {
          id: orderId,
          ...variables,
        },
      );
    expect(
      errorCodes(
        await h.run(
          viewers.schemeStaff(),
          `mutation ($id: ID!) { markHardCopyPrinted(orderId: $id) { status } }`,
          {
            id: orderId,
          },
        ),
      ),
    ).toEqual(['CONFLICT']);
    expect(
      errorCodes(
        await h.run(
          holder,
          `mutation ($id: ID!) { recordHardCopyPayment(orderId: $id, paymentReference: "x") { status } }`,
          { id: orderId },
        ),
      ),
    ).toEqual(['FORBIDDEN']);
    await step(
      `mutation ($id: ID!, $p: String!) { recordHardCopyPayment(orderId: $id, paymentReference: $p) { status trackingReference } }`,
      { p: 'PAY-123' },
    );
    await step(`mutation ($id: ID!) { markHardCopyPrinted(orderId: $id) { status trackingReference } }`, {});
    const dispatched = await step(
      `mutation ($id: ID!, $t: String!) { markHardCopyDispatched(orderId: $id, trackingReference: $t) { status trackingReference } }`,
      { t: 'RM123456789GB' },
    );
    expect(dispatched.markHardCopyDispatched).toEqual({
      status: 'DISPATCHED',
      trackingReference: 'RM123456789GB',
    });

    expect(
      errorCodes(
        await h.run(holder, ORDER, { i: { certificateId: certificate.id, shippingAddress: address } }),
      ),
    ).toEqual(['CONFLICT']);
    const replacement = await h.ok<{ orderCertificateHardCopy: unknown }>(holder, ORDER, {
      i: { certificateId: certificate.id, kind: 'REPLACEMENT', shippingAddress: address },
    });
    expect(replacement.orderCertificateHardCopy).toMatchObject({
      kind: 'REPLACEMENT',
      status: 'PENDING_PAYMENT',
      price: { amount: '12.00', currency: 'GBP' },
    });

    const orders = await h.ok<{ hardCopyOrders: { edges: { node: { kind: string } }[] } }>(
      holder,
      `{ hardCopyOrders { edges { node { kind status } } } }`,
    );
    expect(orders.hardCopyOrders.edges.map((e) => e.node)).toEqual([
      { kind: 'REPLACEMENT', status: 'PENDING_PAYMENT' },
      { kind: 'ORIGINAL', status: 'DISPATCHED' },
    ]);
  });

  it('the holder cancels an unpaid order, but not a paid one', async () => {
    const certificate = await h.issue();
    const holder = viewers.candidate(certificate.candidateId);
    const cancel = `mutation ($id: ID!) { cancelHardCopyOrder(orderId: $id, reason: "Changed my mind") { status cancellationReason } }`;
    const first = await h.ok<{ orderCertificateHardCopy: { id: string } }>(holder, ORDER, {
      i: { certificateId: certificate.id, shippingAddress: address },
    });
    expect(
      (
        await h.ok<{ cancelHardCopyOrder: unknown }>(holder, cancel, {
          id: first.orderCertificateHardCopy.id,
        })
      ).cancelHardCopyOrder,
    ).toEqual({
      status: 'CANCELLED',
      cancellationReason: 'Changed my mind',
    });
    const second = await h.ok<{ orderCertificateHardCopy: { id: string } }>(holder, ORDER, {
      i: { certificateId: certificate.id, shippingAddress: address },
    });
    await h.ok(
      viewers.schemeStaff(),
      `mutation ($id: ID!) { recordHardCopyPayment(orderId: $id, paymentReference: "PAY-9") { status } }`,
      { id: second.orderCertificateHardCopy.id },
    );
    expect(errorCodes(await h.run(holder, cancel, { id: second.orderCertificateHardCopy.id }))).toEqual([
      'FORBIDDEN',
    ]);
  });
});

describe('lists', () => {
  it('certificates list: pages by cursor; the SQL statement count does not grow with the page size', async () => {
    const atoId = randomUUID();
    for (let i = 0; i < 12; i++) {
      const certificate = await h.issue({ atoId });
      if (i % 2 === 0) {
        await h.ok(
          viewers.candidate(certificate.candidateId),
          `mutation ($c: ID!) { claimCertificateBadge(certificateId: $c) { id } }`,
          { c: certificate.id },
        );
      }
    }
    const query = `query ($f: Int!, $a: String) { certificates(filter: { atoId: "${atoId}" }, first: $f, after: $a) {
      edges { node { number credential { statusListIndex } badge { id embeds { cvLink } } versions { version } hardCopyOrders { edges { node { id } } } } }
      pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      certificates: {
        edges: { node: { number: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const small = await h.db.sql.measure(() => h.ok<Page>(viewers.schemeStaff(), query, { f: 3 }));
    const large = await h.db.sql.measure(() => h.ok<Page>(viewers.schemeStaff(), query, { f: 12 }));
    expect(large.result.certificates.edges).toHaveLength(12);
    expect(large.statements.length).toBe(small.statements.length);

    const next = await h.ok<Page>(viewers.schemeStaff(), query, {
      f: 3,
      a: small.result.certificates.pageInfo.endCursor,
    });
    const firstSix = large.result.certificates.edges.slice(0, 6).map((e) => e.node.number);
    expect(
      [...small.result.certificates.edges, ...next.certificates.edges].map((e) => e.node.number),
    ).toEqual(firstSix);

    const ato = await h.ok<Page>(
      viewers.atoStaff(atoId),
      `{ certificates(first: 100) { edges { node { number } } pageInfo { hasNextPage endCursor } } }`,
    );
    expect(ato.certificates.edges).toHaveLength(12);
    expect(
      errorCodes(
        await h.run(
          viewers.atoStaff(atoId),
          `{ certificates(filter: { atoId: "${randomUUID()}" }) { edges { cursor } } }`,
        ),
      ),
    ).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(await h.run(viewers.schemeStaff(), `{ certificates(first: 500) { edges { cursor } } }`)),
    ).toEqual(['BAD_USER_INPUT']);
  });
});

it('entities and migrations agree (no schema drift)', async () => {
  expect(await pendingSchemaChanges(h.db.dataSource)).toEqual([]);
});

it("loads certificates, versions, badges and hard-copy orders exactly as TypeORM's find hydrates them", async () => {
  // The loaders read through entitiesBy; every row this file made (revised, revoked, with badges and
  // orders in every state) must come out the same, in the same order where the loader orders.
  const m = h.db.dataSource.manager;
  const certificates = await m.find(CertificateEntity, { order: { createdAt: 'DESC', id: 'DESC' } });
  expect(certificates.length).toBeGreaterThan(1);
  const ids = certificates.map((c) => c.id);
  expect(
    await entitiesBy(h.db.dataSource, CertificateEntity, 'id', ids, [
      ['createdAt', 'DESC'],
      ['id', 'DESC'],
    ]),
  ).toStrictEqual(certificates);
  const byNumber = await entitiesBothWays(h.db.dataSource, CertificateEntity, 'number');
  expect(byNumber.loaded).toStrictEqual(byNumber.found);
  for (const target of [BadgeEntity, HardCopyOrderEntity] as const) {
    const { found, loaded } = await entitiesBothWays<{ id: string }>(h.db.dataSource, target);
    expect(found.length).toBeGreaterThan(0);
    expect(loaded).toStrictEqual(found);
  }
  const versions = await m.find(CertificateVersionEntity, {
    order: { certificateId: 'ASC', version: 'ASC' },
  });
  expect(versions.length).toBeGreaterThan(certificates.length);
  expect(
    await entitiesBy(h.db.dataSource, CertificateVersionEntity, 'certificateId', ids, [
      ['certificateId', 'ASC'],
      ['version', 'ASC'],
    ]),
  ).toStrictEqual(versions);
});
