import {
  buildCertificateCredential,
  buildStatusListCredential,
  type IssuerProfile,
} from './credential-documents';
import {
  CredentialVerificationError,
  signCredential,
  verifyCertificateOffline,
  verifySignedCredential,
} from './sign-credential';
import { fromPrivateKey, generateSigningKeyJwk, jwksOf, parseSigningKey } from './signing-key';
import {
  encodeStatusList,
  decodeStatusList,
  isRevokedInStatusList,
  STATUS_LIST_LENGTH,
} from '../domain/status-list';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';

const issuer: IssuerProfile = {
  baseUrl: 'https://certificates.example.org',
  name: 'ISO/IEC 20000 Certification Scheme',
};
const facts = {
  number: 'F26-7K3Q-M9PA',
  holderName: 'Ada Lovelace',
  examCode: 'FOUNDATION' as const,
  language: 'en',
  issuedAt: new Date('2026-11-25T10:00:00Z'),
  awardedAt: new Date('2026-11-25T10:00:00Z'),
  version: 1,
  statusList: 1,
  statusListIndex: 42,
};

function tamper(jwt: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jwt.split('.');
  const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(decoded);
  return [header, Buffer.from(JSON.stringify(decoded)).toString('base64url'), signature].join('.');
}

describe('signed certificate credentials', () => {
  it('verify against the published JWKS, offline', async () => {
    const key = await parseSigningKey(JSON.stringify(generateSigningKeyJwk()));
    const jwt = await signCredential(buildCertificateCredential(issuer, facts), key);
    const statusListJwt = await signCredential(
      buildStatusListCredential(issuer, encodeStatusList([]), new Date(), 1),
      key,
    );
    const result = await verifyCertificateOffline(jwt, { jwks: jwksOf(key), statusListJwt });
    expect(result.revoked).toBe(false);
    expect(result.credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(result.credential.id).toBe('https://certificates.example.org/certificates/F26-7K3Q-M9PA');
  });

  it('fail after tampering with the holder name', async () => {
    const key = await parseSigningKey(JSON.stringify(generateSigningKeyJwk()));
    const jwt = await signCredential(buildCertificateCredential(issuer, facts), key);
    const forged = tamper(jwt, (p) => {
      const subject = p.credentialSubject as { identifier: { identityHash: string }[] };
      subject.identifier[0].identityHash = 'Mallory';
    });
    await expect(verifySignedCredential(forged, jwksOf(key))).rejects.toBeInstanceOf(
      CredentialVerificationError,
    );
  });

  it('fail against another issuer key', async () => {
    const key = await parseSigningKey(JSON.stringify(generateSigningKeyJwk()));
    const other = await fromPrivateKey(generateKeyPairSync('ed25519').privateKey);
    const jwt = await signCredential(buildCertificateCredential(issuer, facts), key);
    await expect(verifySignedCredential(jwt, jwksOf(other))).rejects.toThrow('does not verify');
  });

  it('read as revoked once the status list has its bit', async () => {
    const key = await parseSigningKey(JSON.stringify(generateSigningKeyJwk()));
    const jwt = await signCredential(buildCertificateCredential(issuer, facts), key);
    const statusListJwt = await signCredential(
      buildStatusListCredential(issuer, encodeStatusList([7, 42]), new Date(), 1),
      key,
    );
    await expect(verifyCertificateOffline(jwt, { jwks: jwksOf(key), statusListJwt })).resolves.toMatchObject({
      revoked: true,
    });
    // A status list whose bit was flipped back by someone else does not verify.
    const forgedList = tamper(statusListJwt, (p) => {
      (p.credentialSubject as { encodedList: string }).encodedList = encodeStatusList([7]);
    });
    await expect(
      verifyCertificateOffline(jwt, { jwks: jwksOf(key), statusListJwt: forgedList }),
    ).rejects.toThrow('does not verify');
  });

  it('accept a PKCS#8 PEM key and refuse a non-Ed25519 key', async () => {
    const pem = createPrivateKey({ key: generateSigningKeyJwk(), format: 'jwk' })
      .export({ format: 'pem', type: 'pkcs8' })
      .toString();
    await expect(parseSigningKey(pem)).resolves.toMatchObject({
      publicJwk: { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' },
    });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    await expect(parseSigningKey(rsa)).rejects.toThrow('Ed25519');
  });
});

describe('bitstring status list', () => {
  it('sets exactly the revoked bits, most significant bit first', () => {
    const bits = decodeStatusList(encodeStatusList([0, 9, STATUS_LIST_LENGTH - 1]));
    expect(bits.length).toBe(STATUS_LIST_LENGTH / 8);
    expect(bits[0]).toBe(0x80);
    expect(bits[1]).toBe(0x40);
    expect(isRevokedInStatusList(bits, 9)).toBe(true);
    expect(isRevokedInStatusList(bits, 10)).toBe(false);
    expect(isRevokedInStatusList(bits, STATUS_LIST_LENGTH - 1)).toBe(true);
  });
});
