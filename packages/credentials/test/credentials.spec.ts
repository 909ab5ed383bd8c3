import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import {
  buildStatusListCredential,
  CredentialVerificationError,
  decodeStatusList,
  encodeStatusList,
  fromPrivateKey,
  generateSigningKeyJwk,
  isSetInStatusList,
  jwksOf,
  parseSigningKey,
  readCredentialStatus,
  signCredential,
  STATUS_LIST_LENGTH,
  statusListEntry,
  statusListEntryOf,
  verifySignedCredential,
  type JsonObject,
  type StatusPurpose,
} from '../src';

const LIST = 'https://issuer.example.org/status-lists/revocation/1';

function credential(index: number): JsonObject {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiableCredential'],
    issuer: 'https://issuer.example.org/issuer',
    validFrom: '2026-11-25T10:00:00.000Z',
    credentialSubject: { name: 'Example Ltd' },
    credentialStatus: statusListEntryOf(LIST, index, 'revocation'),
  };
}

function statusList(setIndexes: number[], purpose: StatusPurpose = 'revocation', id = LIST): JsonObject {
  return buildStatusListCredential({
    id,
    issuerId: 'https://issuer.example.org/issuer',
    purpose,
    encodedList: encodeStatusList(setIndexes),
    validFrom: new Date(),
  });
}

function tamper(jwt: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jwt.split('.');
  const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(decoded);
  return [header, Buffer.from(JSON.stringify(decoded)).toString('base64url'), signature].join('.');
}

describe('issuer signing keys', () => {
  it('accept a private JWK and a PKCS#8 PEM, with the RFC 7638 thumbprint as kid', async () => {
    const jwk = generateSigningKeyJwk();
    const fromJwk = await parseSigningKey(JSON.stringify(jwk));
    const pem = createPrivateKey({ key: jwk, format: 'jwk' })
      .export({ format: 'pem', type: 'pkcs8' })
      .toString();
    const fromPem = await parseSigningKey(pem);
    expect(fromPem.kid).toBe(fromJwk.kid);
    expect(fromJwk.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(jwksOf(fromJwk)).toEqual({
      keys: [{ kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: fromJwk.kid, alg: 'EdDSA', use: 'sig' }],
    });
    expect(JSON.stringify(jwksOf(fromJwk))).not.toContain('"d"');
  });

  it('refuse a non-Ed25519 key and garbage, naming the variable', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    await expect(parseSigningKey(rsa, 'REGISTRY_SIGNING_KEY')).rejects.toThrow(
      'REGISTRY_SIGNING_KEY must be an Ed25519 key',
    );
    await expect(parseSigningKey('not a key', 'CERTIFICATE_SIGNING_KEY')).rejects.toThrow(
      'CERTIFICATE_SIGNING_KEY is neither a private JWK nor a PKCS#8 PEM',
    );
  });
});

describe('signed credentials', () => {
  it('verify against the issuer JWKS and fail after tampering or against another key', async () => {
    const key = await parseSigningKey(JSON.stringify(generateSigningKeyJwk()));
    const other = await fromPrivateKey(generateKeyPairSync('ed25519').privateKey);
    const jwt = await signCredential(credential(42), key);
    expect(JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString('utf8'))).toEqual({
      alg: 'EdDSA',
      kid: key.kid,
      typ: 'vc+jwt',
    });
    await expect(verifySignedCredential(jwt, jwksOf(key))).resolves.toMatchObject({
      credentialSubject: { name: 'Example Ltd' },
    });
    const forged = tamper(jwt, (p) => {
      (p.credentialSubject as { name: string }).name = 'Mallory Ltd';
    });
    await expect(verifySignedCredential(forged, jwksOf(key))).rejects.toBeInstanceOf(
      CredentialVerificationError,
    );
    await expect(verifySignedCredential(jwt, jwksOf(other))).rejects.toThrow('does not verify');
  });

  it('read their status bit from the signed list the entry names, with its purpose', async () => {
    const key = await parseSigningKey(JSON.stringify(generateSigningKeyJwk()));
    const entry = (await verifySignedCredential(await signCredential(credential(42), key), jwksOf(key)))
      .credentialStatus;
    const clear = await signCredential(statusList([7]), key);
    const set = await signCredential(statusList([7, 42]), key);
    await expect(readCredentialStatus(entry, clear, jwksOf(key))).resolves.toBe(false);
    await expect(readCredentialStatus(entry, set, jwksOf(key))).resolves.toBe(true);
    // A list whose bit someone cleared, a list of another purpose, another list: all refused.
    const forged = tamper(set, (p) => {
      (p.credentialSubject as { encodedList: string }).encodedList = encodeStatusList([7]);
    });
    await expect(readCredentialStatus(entry, forged, jwksOf(key))).rejects.toThrow('does not verify');
    const suspension = await signCredential(statusList([42], 'suspension'), key);
    await expect(readCredentialStatus(entry, suspension, jwksOf(key))).rejects.toThrow(
      'not a revocation list',
    );
    const list2 = await signCredential(statusList([42], 'revocation', `${LIST.slice(0, -1)}2`), key);
    await expect(readCredentialStatus(entry, list2, jwksOf(key))).rejects.toThrow("is not the credential's");
    await expect(readCredentialStatus(undefined, set, jwksOf(key))).rejects.toThrow(
      'no BitstringStatusListEntry',
    );
  });
});

describe('bitstring status list', () => {
  it('sets exactly the given bits, most significant bit first, over 131,072 entries', () => {
    const bits = decodeStatusList(encodeStatusList([0, 9, STATUS_LIST_LENGTH - 1]));
    expect(STATUS_LIST_LENGTH).toBeGreaterThanOrEqual(131_072);
    expect(bits.length).toBe(STATUS_LIST_LENGTH / 8);
    expect(bits[0]).toBe(0x80);
    expect(bits[1]).toBe(0x40);
    expect(isSetInStatusList(bits, 9)).toBe(true);
    expect(isSetInStatusList(bits, 10)).toBe(false);
    expect(isSetInStatusList(bits, STATUS_LIST_LENGTH - 1)).toBe(true);
    expect(() => encodeStatusList([STATUS_LIST_LENGTH])).toThrow(RangeError);
    expect(() => isSetInStatusList(bits, STATUS_LIST_LENGTH)).toThrow(RangeError);
  });

  it('spreads global indexes over lists of 131,072 entries', () => {
    expect(statusListEntry(0)).toEqual({ statusList: 1, statusListIndex: 0 });
    expect(statusListEntry(STATUS_LIST_LENGTH - 1)).toEqual({
      statusList: 1,
      statusListIndex: STATUS_LIST_LENGTH - 1,
    });
    expect(statusListEntry(STATUS_LIST_LENGTH)).toEqual({ statusList: 2, statusListIndex: 0 });
  });
});
