import type * as NodeCrypto from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type JWTPayload } from 'jose';
import { createAuthenticator, type Authenticator } from './authenticator';

// The module object itself (an import namespace would be a copy), so a spy sees the authenticator's calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeCrypto = require('node:crypto') as typeof NodeCrypto;

const ISSUER = 'https://idp.example.test';
const AUDIENCE = 'iso20000';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** What an authenticator made of a token: the viewer, or the refusal's code and message. */
async function outcome(auth: Authenticator, token: string): Promise<unknown> {
  try {
    return { viewer: await auth.authenticate(`Bearer ${token}`) };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return { code: error.extensions.code, message: error.message };
  }
}

/**
 * The EdDSA fast path (node:crypto on a cached KeyObject) against jose itself, on a real key set served
 * over HTTP: every token, good or bad, must get the same viewer or the same refusal from both.
 */
describe('EdDSA tokens from a key set: the fast path decides as jose does', () => {
  let server: Server;
  let jwksUrl: string;
  let ed: KeyPair;
  let ec: KeyPair;
  let otherEd: KeyPair;
  let fast: Authenticator;
  let jose: Authenticator;

  beforeAll(async () => {
    ed = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    ec = await generateKeyPair('ES256');
    otherEd = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const keys: JWK[] = [
      { ...(await exportJWK(ed.publicKey)), kid: 'ed', alg: 'EdDSA', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec', alg: 'ES256', use: 'sig' },
    ];
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    const options = { jwksUrl, issuer: ISSUER, audience: AUDIENCE, tokenCacheMs: 0 };
    fast = createAuthenticator(options);
    jose = createAuthenticator({ ...options, fastEdDsa: false });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: JWTPayload = {}): JWTPayload => ({
    sub: 'person-1',
    role: 'candidate',
    candidate_id: 'cand-1',
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now(),
    exp: now() + 3600,
    ...extra,
  });
  const sign = (
    payload: JWTPayload,
    header: Record<string, unknown> = { alg: 'EdDSA', kid: 'ed' },
    key: KeyPair['privateKey'] = ed.privateKey,
  ) => new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(key);

  const withoutClaim = (name: string) => {
    const payload = claims();
    delete payload[name];
    return payload;
  };
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  const cases: Array<[string, () => Promise<string>]> = [
    ['a good token', () => sign(claims())],
    ['a good token with alg Ed25519', () => sign(claims(), { alg: 'Ed25519', kid: 'ed' })],
    ['a good token with typ JWT', () => sign(claims(), { alg: 'EdDSA', kid: 'ed', typ: 'JWT' })],
    ['a good token without kid', () => sign(claims(), { alg: 'EdDSA' })],
    ['an audience list that names us', () => sign(claims({ aud: ['other', AUDIENCE] }))],
    ['an audience list that does not', () => sign(claims({ aud: ['other', 'another'] }))],
    ['another audience', () => sign(claims({ aud: 'other' }))],
    ['another issuer', () => sign(claims({ iss: 'https://evil.example' }))],
    ['no issuer', () => sign(withoutClaim('iss'))],
    ['no audience', () => sign(withoutClaim('aud'))],
    ['no subject', () => sign(withoutClaim('sub'))],
    ['no expiry', () => sign(withoutClaim('exp'))],
    ['no issue time', () => sign(withoutClaim('iat'))],
    ['an issue time that is a string', () => sign(claims({ iat: String(now()) as never }))],
    ['an expired token', () => sign(claims({ iat: now() - 7200, exp: now() - 60 }))],
    ['expired within the skew', () => sign(claims({ iat: now() - 7200, exp: now() - 2 }))],
    ['issued in the future', () => sign(claims({ iat: now() + 120, exp: now() + 3600 }))],
    ['issued within the skew', () => sign(claims({ iat: now() + 3, exp: now() + 3600 }))],
    ['issued too long ago', () => sign(claims({ iat: now() - 90_000, exp: now() + 3600 }))],
    ['valid for too long', () => sign(claims({ exp: now() + 10 * 365 * 86400 }))],
    ['not valid yet', () => sign(claims({ nbf: now() + 600 }))],
    ['an nbf that is not a number', () => sign(claims({ nbf: 'soon' as never }))],
    ['a role the services do not know', () => sign(claims({ role: 'root' }))],
    ['an unknown kid', () => sign(claims(), { alg: 'EdDSA', kid: 'nobody' })],
    ['signed by another Ed25519 key', () => sign(claims(), { alg: 'EdDSA', kid: 'ed' }, otherEd.privateKey)],
    ['an EC key named as EdDSA', () => sign(claims(), { alg: 'ES256', kid: 'ed' }, ec.privateKey)],
    ['a good ES256 token (jose only)', () => sign(claims(), { alg: 'ES256', kid: 'ec' }, ec.privateKey)],
    [
      'an unknown critical header',
      () =>
        new SignJWT(claims())
          .setProtectedHeader({ alg: 'EdDSA', kid: 'ed', crit: ['x'], x: 1 } as { alg: string })
          .sign(ed.privateKey, { crit: { x: true } }),
    ],
    [
      'an altered payload',
      async () => {
        const [header, , signature] = (await sign(claims())).split('.');
        return `${header}.${b64(claims({ role: 'scheme_staff' }))}.${signature}`;
      },
    ],
    [
      'a truncated signature',
      async () => {
        const token = await sign(claims());
        return token.slice(0, -4);
      },
    ],
    [
      'a signature with a character outside base64url',
      async () => {
        const token = await sign(claims());
        return `${token.slice(0, -2)}+A`;
      },
    ],
    ['alg none', async () => `${b64({ alg: 'none' })}.${b64(claims())}.`],
    ['four segments', async () => `${await sign(claims())}.x`],
    [
      'a payload that is an array',
      async () => {
        const header = b64({ alg: 'EdDSA', kid: 'ed' });
        const payload = b64([1, 2]);
        const signature = nodeCrypto
          .sign(null, Buffer.from(`${header}.${payload}`), nodeCrypto.KeyObject.from(ed.privateKey as never))
          .toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
  ];

  it.each(cases)('%s: the same answer from both', async (_name, make) => {
    const token = await make();
    const fromJose = await outcome(jose, token);
    expect(await outcome(fast, token)).toEqual(fromJose);
  });

  it('accepts a good token and refuses bad ones at all (the comparison above is not vacuous)', async () => {
    expect(await outcome(fast, await sign(claims()))).toMatchObject({ viewer: { role: 'candidate' } });
    expect(await outcome(fast, await sign(claims({ aud: 'other' })))).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('checks a good EdDSA token with node:crypto, and an ES256 one with jose', async () => {
    const verify = jest.spyOn(nodeCrypto, 'verify');
    try {
      await fast.authenticate(`Bearer ${await sign(claims())}`);
      expect(verify).toHaveBeenCalledTimes(1);
      await fast.authenticate(`Bearer ${await sign(claims(), { alg: 'ES256', kid: 'ec' }, ec.privateKey)}`);
      expect(verify).toHaveBeenCalledTimes(1);
      await jose.authenticate(`Bearer ${await sign(claims())}`);
      expect(verify).toHaveBeenCalledTimes(1);
    } finally {
      verify.mockRestore();
    }
  });
});
