import { GraphQLError } from 'graphql';
import { SignJWT, decodeJwt, type JWTPayload } from 'jose';
import { createAuthenticator, type CredentialVerifier } from './authenticator';
import { signDevToken } from './dev-token';
import { generateRcbCredential } from './rcb-credential';
import { generateRelyingPartyKey, parseRelyingPartyKey } from './relying-party-key';
import { PUBLIC_VIEWER } from './viewer';

const SECRET = 'test-secret-that-is-long-enough-for-hs256';
const secretKey = new TextEncoder().encode(SECRET);

/** Signs arbitrary claims, bypassing signDevToken's checks, as a careless or hostile issuer would. */
function rawToken(
  claims: JWTPayload,
  { secret = secretKey, ttl = '1h' as string | number } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(secret);
}

async function rejection(promise: Promise<unknown>): Promise<{ code: unknown; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return { code: error.extensions.code, message: error.message };
  }
  throw new Error('expected the credential to be rejected');
}

describe('createAuthenticator with the development secret', () => {
  const auth = createAuthenticator({ devSecret: SECRET });

  it('refuses to start without any way to verify tokens', () => {
    expect(() => createAuthenticator({})).toThrow('devSecret');
  });

  it('treats a request without credentials as the public', async () => {
    await expect(auth.authenticate(undefined)).resolves.toBe(PUBLIC_VIEWER);
    await expect(auth.authenticate('')).resolves.toBe(PUBLIC_VIEWER);
    await expect(auth.authenticate('   ')).resolves.toBe(PUBLIC_VIEWER);
  });

  it('turns each person role into a viewer scoped by its own claim', async () => {
    const candidate = await signDevToken(SECRET, {
      sub: 'u-1',
      role: 'candidate',
      candidate_id: 'cand-1',
      name: 'Ada',
    });
    const atoStaff = await signDevToken(SECRET, { sub: 'u-2', role: 'ato_staff', ato_id: 'ato-1' });
    const analyst = await signDevToken(SECRET, { sub: 'u-3', role: 'analyst' });
    const schemeStaff = await signDevToken(SECRET, { sub: 'u-4', role: 'scheme_staff', name: 'Grace' });

    await expect(auth.authenticate(`Bearer ${candidate}`)).resolves.toEqual({
      role: 'candidate',
      subject: 'u-1',
      candidateId: 'cand-1',
      name: 'Ada',
    });
    await expect(auth.authenticate(`Bearer ${atoStaff}`)).resolves.toEqual({
      role: 'ato_staff',
      subject: 'u-2',
      atoId: 'ato-1',
    });
    await expect(auth.authenticate(`Bearer ${analyst}`)).resolves.toEqual({
      role: 'analyst',
      subject: 'u-3',
    });
    await expect(auth.authenticate(`bearer ${schemeStaff}`)).resolves.toEqual({
      role: 'scheme_staff',
      subject: 'u-4',
      name: 'Grace',
    });
  });

  it("ignores scoping claims that do not belong to the token's role", async () => {
    const token = await rawToken({
      sub: 'u-1',
      role: 'candidate',
      candidate_id: 'cand-1',
      ato_id: 'ato-9',
      rcb_id: 'rcb-9',
    });
    await expect(auth.authenticate(`Bearer ${token}`)).resolves.toEqual({
      role: 'candidate',
      subject: 'u-1',
      candidateId: 'cand-1',
    });
  });

  it('rejects an expired token', async () => {
    const token = await rawToken(
      { sub: 'u-1', role: 'analyst' },
      { ttl: Math.floor(Date.now() / 1000) - 60 },
    );
    await expect(rejection(auth.authenticate(`Bearer ${token}`))).resolves.toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The token has expired; sign in again',
    });
  });

  it('rejects a token signed with another secret', async () => {
    const token = await rawToken(
      { sub: 'u-1', role: 'scheme_staff' },
      { secret: new TextEncoder().encode('someone-elses-secret') },
    );
    await expect(rejection(auth.authenticate(`Bearer ${token}`))).resolves.toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The token signature is not valid',
    });
  });

  it('rejects a token whose claims were altered after signing', async () => {
    const token = await signDevToken(SECRET, { sub: 'u-1', role: 'analyst' });
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(token), role: 'scheme_staff' })).toString(
      'base64url',
    );
    const result = await rejection(auth.authenticate(`Bearer ${header}.${forged}.${signature}`));
    expect(result.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    [
      'candidate without candidate_id',
      { sub: 'u-1', role: 'candidate' },
      "The token's candidate_id claim is missing or invalid for role candidate",
    ],
    [
      'ato_staff without ato_id',
      { sub: 'u-1', role: 'ato_staff' },
      "The token's ato_id claim is missing or invalid for role ato_staff",
    ],
    [
      'ato_staff with an empty ato_id',
      { sub: 'u-1', role: 'ato_staff', ato_id: ' ' },
      "The token's ato_id claim is missing or invalid for role ato_staff",
    ],
    [
      'a person claiming to be an RCB integration',
      { sub: 'u-1', role: 'rcb_integration', rcb_id: 'rcb-1' },
      'RCB integrations authenticate with an API key, not a token',
    ],
    ['role public', { sub: 'u-1', role: 'public' }, 'The token does not carry a recognised role'],
    ['an unknown role', { sub: 'u-1', role: 'admin' }, 'The token does not carry a recognised role'],
    ['no role', { sub: 'u-1' }, 'The token does not carry a recognised role'],
    ['no subject', { role: 'analyst' }, 'The token has no subject'],
  ])('rejects a token with %s', async (_case, claims, message) => {
    const token = await rawToken(claims);
    await expect(rejection(auth.authenticate(`Bearer ${token}`))).resolves.toEqual({
      code: 'UNAUTHENTICATED',
      message,
    });
  });

  it('rejects a token without an expiry', async () => {
    const token = await new SignJWT({ sub: 'u-1', role: 'analyst' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .sign(secretKey);
    await expect(rejection(auth.authenticate(`Bearer ${token}`))).resolves.toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The token has no valid expiry',
    });
  });

  it('rejects an unsigned token', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ sub: 'u-1', role: 'scheme_staff', exp: Math.floor(Date.now() / 1000) + 600 }),
    ).toString('base64url');
    const result = await rejection(auth.authenticate(`Bearer ${header}.${payload}.`));
    expect(result.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['garbage token', 'Bearer not-a-jwt', 'The token is malformed'],
    ['missing token', 'Bearer', 'The Bearer token is missing'],
    [
      'unknown scheme',
      'Basic dXNlcjpwYXNz',
      "Unsupported Authorization scheme: use 'Bearer <token>' or 'ApiKey <key>'",
    ],
    [
      'API key without a verifier',
      'ApiKey rcbk_0123456789abcdef0123456789abcdef_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      'API keys are not accepted by this service',
    ],
  ])('rejects a %s', async (_case, header, message) => {
    await expect(rejection(auth.authenticate(header))).resolves.toEqual({ code: 'UNAUTHENTICATED', message });
  });

  it('asks for HTTP 401 so a context-time rejection is not a server error', async () => {
    try {
      await auth.authenticate('Bearer not-a-jwt');
      throw new Error('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(GraphQLError);
      expect((error as GraphQLError).extensions.http).toEqual({ status: 401 });
    }
  });

  it('stops accepting a remembered token once it expires', async () => {
    const strict = createAuthenticator({ devSecret: SECRET, clockTolerance: 0, tokenCacheMs: 60_000 });
    const token = await signDevToken(SECRET, { sub: 'u-1', role: 'analyst' }, '2s');
    await expect(strict.authenticate(`Bearer ${token}`)).resolves.toMatchObject({ role: 'analyst' });
    await expect(strict.authenticate(`Bearer ${token}`)).resolves.toMatchObject({ role: 'analyst' });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await expect(rejection(strict.authenticate(`Bearer ${token}`))).resolves.toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The token has expired; sign in again',
    });
  });

  it('hands out viewers that callers cannot alter for the next request', async () => {
    const token = await signDevToken(SECRET, { sub: 'u-1', role: 'candidate', candidate_id: 'cand-1' });
    const viewer = await auth.authenticate(`Bearer ${token}`);
    expect(() => {
      viewer.candidateId = 'cand-2';
    }).toThrow(TypeError);
    await expect(auth.authenticate(`Bearer ${token}`)).resolves.toMatchObject({ candidateId: 'cand-1' });
  });
});

describe('createAuthenticator with issuer and audience', () => {
  const auth = createAuthenticator({ devSecret: SECRET, issuer: 'https://id.example', audience: 'iso20000' });
  const claims = { sub: 'u-1', role: 'analyst' } as const;

  it('accepts a token from the expected issuer for the expected audience', async () => {
    const token = await signDevToken(SECRET, claims, '5m', {
      issuer: 'https://id.example',
      audience: 'iso20000',
    });
    await expect(auth.authenticate(`Bearer ${token}`)).resolves.toMatchObject({ role: 'analyst' });
  });

  it('rejects a token from another issuer', async () => {
    const token = await signDevToken(SECRET, claims, '5m', {
      issuer: 'https://evil.example',
      audience: 'iso20000',
    });
    await expect(rejection(auth.authenticate(`Bearer ${token}`))).resolves.toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The token was not issued by the expected issuer',
    });
  });

  it('rejects a token meant for another audience', async () => {
    const token = await signDevToken(SECRET, claims, '5m', {
      issuer: 'https://id.example',
      audience: 'other-app',
    });
    await expect(rejection(auth.authenticate(`Bearer ${token}`))).resolves.toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The token is not meant for this service',
    });
  });

  it('rejects a token without issuer and audience', async () => {
    const token = await signDevToken(SECRET, claims);
    await expect(rejection(auth.authenticate(`Bearer ${token}`))).resolves.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });
});

describe('signDevToken', () => {
  it('signs for 12 hours by default', async () => {
    const payload = decodeJwt(await signDevToken(SECRET, { sub: 'u-1', role: 'scheme_staff' }));
    expect(payload.exp! - payload.iat!).toBe(12 * 60 * 60);
    expect(payload).toMatchObject({ sub: 'u-1', role: 'scheme_staff' });
  });

  it('refuses claims the authenticator would reject', async () => {
    await expect(signDevToken(SECRET, { sub: 'u-1', role: 'candidate' })).rejects.toThrow('candidate_id');
    await expect(signDevToken('', { sub: 'u-1', role: 'analyst' })).rejects.toThrow('empty');
  });
});

describe('token lifetime and clock skew', () => {
  const auth = createAuthenticator({ devSecret: SECRET, tokenCacheMs: 0 });
  const now = () => Math.floor(Date.now() / 1000);
  const signed = (claims: JWTPayload) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(secretKey);

  it('refuses a token valid for 100 years', async () => {
    const token = await rawToken({ sub: 'u-1', role: 'analyst' }, { ttl: '100y' });
    await expect(rejection(auth.authenticate(`Bearer ${token}`))).resolves.toEqual({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/valid for longer than the 86400 seconds this service accepts/),
    });
  });

  it('accepts a token for exactly the longest lifetime and refuses one second more', async () => {
    const iat = now();
    await expect(
      auth.authenticate(`Bearer ${await signed({ sub: 'u-1', role: 'analyst', iat, exp: iat + 86_400 })}`),
    ).resolves.toMatchObject({ role: 'analyst' });
    await expect(
      rejection(
        auth.authenticate(`Bearer ${await signed({ sub: 'u-1', role: 'analyst', iat, exp: iat + 86_401 })}`),
      ),
    ).resolves.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses a token without an issue time', async () => {
    const token = await signed({ sub: 'u-1', role: 'analyst', exp: now() + 600 });
    await expect(rejection(auth.authenticate(`Bearer ${token}`))).resolves.toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The token has an invalid issue time',
    });
  });

  it('refuses an issue time in the future beyond the skew, and an old iat with a fresh exp', async () => {
    const ahead = await signed({ sub: 'u-1', role: 'analyst', iat: now() + 120, exp: now() + 600 });
    await expect(rejection(auth.authenticate(`Bearer ${ahead}`))).resolves.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    const old = await signed({ sub: 'u-1', role: 'analyst', iat: now() - 90_000, exp: now() + 600 });
    await expect(rejection(auth.authenticate(`Bearer ${old}`))).resolves.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('tolerates the configured skew and no more; the skew itself is bounded at a minute', async () => {
    const skewed = createAuthenticator({ devSecret: SECRET, clockTolerance: 30, tokenCacheMs: 0 });
    const expired20s = await signed({ sub: 'u-1', role: 'analyst', iat: now() - 600, exp: now() - 20 });
    await expect(skewed.authenticate(`Bearer ${expired20s}`)).resolves.toMatchObject({ role: 'analyst' });
    const expired40s = await signed({ sub: 'u-1', role: 'analyst', iat: now() - 600, exp: now() - 40 });
    await expect(rejection(skewed.authenticate(`Bearer ${expired40s}`))).resolves.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect(() => createAuthenticator({ devSecret: SECRET, clockTolerance: 3600 })).toThrow(/clockTolerance/);
  });

  it('follows a configured longest lifetime', async () => {
    const short = createAuthenticator({ devSecret: SECRET, maxTokenLifetimeS: 900, tokenCacheMs: 0 });
    const hour = await rawToken({ sub: 'u-1', role: 'analyst' }, { ttl: '1h' });
    await expect(rejection(short.authenticate(`Bearer ${hour}`))).resolves.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('signDevToken refuses to make a token the services would refuse', async () => {
    await expect(signDevToken(SECRET, { sub: 'u-1', role: 'analyst' }, '25h')).rejects.toThrow(/longer than/);
    await expect(signDevToken(SECRET, { sub: 'u-1', role: 'analyst' }, '24h')).resolves.toEqual(
      expect.any(String),
    );
  });
});

describe('createAuthenticator with API keys', () => {
  const rcb = generateRcbCredential();
  const party = generateRelyingPartyKey();
  // The verifier as the credential store answers: the RCB's credential, or the relying party's key.
  const credentials: CredentialVerifier = {
    verify: (apiKey) =>
      Promise.resolve(
        apiKey === rcb.apiKey
          ? { credentialId: rcb.id, rcbId: 'rcb-1' }
          : apiKey === party.apiKey
            ? { credentialId: party.id, relyingPartyId: party.id }
            : null,
      ),
  };
  const auth = createAuthenticator({ devSecret: SECRET, credentials });

  it('makes a relying party of its own key, a viewer of its own kind', async () => {
    await expect(auth.authenticate(`ApiKey ${party.apiKey}`)).resolves.toEqual({
      role: 'relying_party',
      subject: `relying-party:${party.id}`,
      relyingPartyId: party.id,
    });
  });

  it('still makes an RCB integration of an RCB key', async () => {
    await expect(auth.authenticate(`ApiKey ${rcb.apiKey}`)).resolves.toEqual({
      role: 'rcb_integration',
      subject: `credential:${rcb.id}`,
      rcbId: 'rcb-1',
      credentialId: rcb.id,
    });
  });

  it.each([
    ['malformed relying party key', 'ApiKey rpk_0123_short', 'The API key is malformed'],
    [
      'relying party key the verifier does not know',
      `ApiKey ${generateRelyingPartyKey().apiKey}`,
      'The API key is unknown or has been revoked',
    ],
  ])('rejects a %s', async (_case, header, message) => {
    await expect(rejection(auth.authenticate(header))).resolves.toEqual({ code: 'UNAUTHENTICATED', message });
  });
});

describe('relying party keys', () => {
  it('parse back to the id and secret they were made of, and nothing else parses', () => {
    const key = generateRelyingPartyKey();
    expect(key.apiKey).toMatch(/^rpk_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    expect(parseRelyingPartyKey(key.apiKey)).toEqual({ relyingPartyId: key.id, secret: key.secret });
    expect(key.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(key.secretHash).not.toContain(key.secret);
    expect(parseRelyingPartyKey(generateRcbCredential().apiKey)).toBeNull();
    expect(parseRelyingPartyKey(`${key.apiKey}x`)).toBeNull();
    expect(parseRelyingPartyKey(key.apiKey.toUpperCase())).toBeNull();
  });
});
