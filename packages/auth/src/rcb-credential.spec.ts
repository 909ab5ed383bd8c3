import { createHash } from 'node:crypto';
import { generateRcbCredential, hashSecret, parseApiKey, secretMatchesHash } from './rcb-credential';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('RCB credentials', () => {
  it('generates an id, a 32-byte base64url secret, the API key and the sha256 hex of the secret', () => {
    const credential = generateRcbCredential();
    expect(credential.id).toMatch(UUID);
    expect(credential.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(credential.secret, 'base64url')).toHaveLength(32);
    expect(credential.apiKey).toBe(`rcbk_${credential.id.replace(/-/g, '')}_${credential.secret}`);
    expect(credential.secretHash).toBe(createHash('sha256').update(credential.secret).digest('hex'));
  });

  it('never generates the same credential twice', () => {
    const a = generateRcbCredential();
    const b = generateRcbCredential();
    expect(a.id).not.toBe(b.id);
    expect(a.secret).not.toBe(b.secret);
  });

  it('parses a generated API key back into credential id and secret', () => {
    const credential = generateRcbCredential();
    expect(parseApiKey(credential.apiKey)).toEqual({
      credentialId: credential.id,
      secret: credential.secret,
    });
  });

  it('parses a secret that itself contains underscores', () => {
    const secret = `ab_cd_${'x'.repeat(37)}`;
    expect(parseApiKey(`rcbk_0123456789abcdef0123456789abcdef_${secret}`)).toEqual({
      credentialId: '01234567-89ab-cdef-0123-456789abcdef',
      secret,
    });
  });

  it.each([
    ['empty', ''],
    ['wrong prefix', `rcbx_0123456789abcdef0123456789abcdef_${'a'.repeat(43)}`],
    ['id with dashes', `rcbk_01234567-89ab-cdef-0123-456789abcdef_${'a'.repeat(43)}`],
    ['upper-case id', `rcbk_0123456789ABCDEF0123456789ABCDEF_${'a'.repeat(43)}`],
    ['short secret', `rcbk_0123456789abcdef0123456789abcdef_${'a'.repeat(42)}`],
    ['long secret', `rcbk_0123456789abcdef0123456789abcdef_${'a'.repeat(44)}`],
    ['secret with padding', `rcbk_0123456789abcdef0123456789abcdef_${'a'.repeat(42)}=`],
    ['surrounding space', ` rcbk_0123456789abcdef0123456789abcdef_${'a'.repeat(43)}`],
  ])('rejects a malformed API key (%s)', (_case, apiKey) => {
    expect(parseApiKey(apiKey)).toBeNull();
  });

  it('hashes a secret as sha256 hex', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('matches a secret only against its own hash', () => {
    const credential = generateRcbCredential();
    const other = generateRcbCredential();
    expect(secretMatchesHash(credential.secret, credential.secretHash)).toBe(true);
    expect(secretMatchesHash(other.secret, credential.secretHash)).toBe(false);
    expect(secretMatchesHash(credential.secret, 'not-a-hash')).toBe(false);
    expect(secretMatchesHash(credential.secret, credential.secretHash.toUpperCase())).toBe(false);
  });
});
