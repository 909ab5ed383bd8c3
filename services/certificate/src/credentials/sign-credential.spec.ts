import {
  buildStatusListCredential,
  CredentialVerificationError,
  encodeStatusList,
  generateSigningKeyJwk,
  jwksOf,
  parseSigningKey,
  signCredential,
  verifySignedCredential,
  type JsonObject,
} from '@iso20000/credentials';
import { buildCertificateCredential, publicUrls, type IssuerProfile } from './credential-documents';
import { verifyCertificateOffline } from './sign-credential';

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

function revocationList(revoked: number[]): JsonObject {
  const urls = publicUrls(issuer);
  return buildStatusListCredential({
    id: urls.statusList(1),
    issuerId: urls.issuerId,
    purpose: 'revocation',
    encodedList: encodeStatusList(revoked),
    validFrom: new Date(),
  });
}

describe('signed certificate credentials', () => {
  it('verify against the published JWKS, offline', async () => {
    const key = await parseSigningKey(JSON.stringify(generateSigningKeyJwk()));
    const jwt = await signCredential(buildCertificateCredential(issuer, facts), key);
    const statusListJwt = await signCredential(revocationList([]), key);
    const result = await verifyCertificateOffline(jwt, { jwks: jwksOf(key), statusListJwt });
    expect(result.revoked).toBe(false);
    expect(result.credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(result.credential.id).toBe('https://certificates.example.org/certificates/F26-7K3Q-M9PA');
    expect(result.credential.credentialStatus).toEqual({
      id: 'https://certificates.example.org/status-lists/1#42',
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '42',
      statusListCredential: 'https://certificates.example.org/status-lists/1',
    });
  });

  it('fail after tampering with the holder name', async () => {
    const key = await parseSigningKey(JSON.stringify(generateSigningKeyJwk()));
    const jwt = await signCredential(buildCertificateCredential(issuer, facts), key);
    // The holder's name in the payload replaced, the issuer's signature kept.
    const [header, payload, signature] = jwt.split('.');
    const renamed = Buffer.from(payload, 'base64url').toString('utf8').replace('Ada Lovelace', 'Mallory');
    const forged = [header, Buffer.from(renamed).toString('base64url'), signature].join('.');
    await expect(verifySignedCredential(forged, jwksOf(key))).rejects.toBeInstanceOf(
      CredentialVerificationError,
    );
  });

  it('read as revoked once the status list has its bit', async () => {
    const key = await parseSigningKey(JSON.stringify(generateSigningKeyJwk()));
    const jwt = await signCredential(buildCertificateCredential(issuer, facts), key);
    const statusListJwt = await signCredential(revocationList([7, 42]), key);
    await expect(verifyCertificateOffline(jwt, { jwks: jwksOf(key), statusListJwt })).resolves.toMatchObject({
      revoked: true,
    });
  });
});
