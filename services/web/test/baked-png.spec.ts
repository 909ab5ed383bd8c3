import { exportJWK, generateKeyPair, SignJWT, decodeJwt, type JSONWebKeySet } from 'jose';
import { PNG } from 'pngjs';
import { bakeCredential, readBakedCredential } from '../src/baked-png';
import { badgePng, badgeSvg } from '../src/badge-image';
import { checkCredential } from '../src/credential-check';

async function signedCredential() {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'EdDSA', use: 'sig' };
  const credential = {
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: {
      id: 'https://certs.example/issuer',
      type: ['Profile'],
      name: 'ISO/IEC 20000 Certification Scheme',
    },
    credentialSubject: { type: ['AchievementSubject'], achievement: { name: 'ISO/IEC 20000 Auditor' } },
  };
  const jwt = await new SignJWT(credential)
    .setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt', kid: 'key-1' })
    .sign(privateKey);
  const jwks: JSONWebKeySet = { keys: [jwk] };
  return { jwt, jwks };
}

describe('badge images', () => {
  it('renders each qualification’s SVG to a 400 px PNG', () => {
    for (const exam of ['FOUNDATION', 'PRACTITIONER', 'AUDITOR'] as const) {
      expect(badgeSvg(exam)).toContain(exam);
      const image = PNG.sync.read(badgePng(exam));
      expect([image.width, image.height]).toEqual([400, 400]);
    }
  });
});

describe('Open Badges 3.0 baking (PNG iTXt openbadgecredential)', () => {
  it('bakes the signed credential into the image, which stays a valid PNG and verifies on its own', async () => {
    const { jwt, jwks } = await signedCredential();
    const baked = bakeCredential(badgePng('AUDITOR'), jwt);
    // pngjs checks every chunk's CRC while decoding.
    const decoded = PNG.sync.read(baked, { checkCRC: true } as never);
    expect(decoded.width).toBe(400);
    const itxt = baked.indexOf(Buffer.from('iTXt'));
    expect(baked.toString('latin1', itxt + 4, itxt + 4 + 'openbadgecredential'.length)).toBe(
      'openbadgecredential',
    );

    const carried = readBakedCredential(baked);
    expect(carried).toBe(jwt);
    expect(decodeJwt(carried ?? '').issuer).toMatchObject({ name: 'ISO/IEC 20000 Certification Scheme' });
    await expect(checkCredential(carried ?? '', async () => jwks)).resolves.toMatchObject({
      verified: true,
      kid: 'key-1',
      issuerName: 'ISO/IEC 20000 Certification Scheme',
      achievementName: 'ISO/IEC 20000 Auditor',
    });
  });

  it('replaces an earlier baked credential instead of adding a second one', async () => {
    const first = await signedCredential();
    const second = await signedCredential();
    const twice = bakeCredential(bakeCredential(badgePng('FOUNDATION'), first.jwt), second.jwt);
    expect(readBakedCredential(twice)).toBe(second.jwt);
    expect(twice.toString('latin1').split('openbadgecredential').length - 1).toBe(1);
    expect(readBakedCredential(badgePng('FOUNDATION'))).toBeNull();
  });

  it('refuses a damaged image, and a credential that does not verify is reported as such', async () => {
    const { jwt, jwks } = await signedCredential();
    const baked = Buffer.from(bakeCredential(badgePng('FOUNDATION'), jwt));
    baked[baked.length - 20] ^= 0xff;
    expect(() => readBakedCredential(baked)).toThrow(/CRC/);
    const other = await signedCredential();
    await expect(checkCredential(jwt, async () => other.jwks)).resolves.toMatchObject({ verified: false });
    const tampered = `${jwt.slice(0, -4)}AAAA`;
    await expect(checkCredential(tampered, async () => jwks)).resolves.toMatchObject({ verified: false });
  });
});
