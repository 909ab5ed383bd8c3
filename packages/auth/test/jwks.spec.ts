import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { createAuthenticator } from '../src';

interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function signingKey(alg: 'ES256' | 'EdDSA', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

function sign(
  key: SigningKey,
  claims: Record<string, unknown>,
  { kid = key.kid, issuer = 'https://id.test', audience = 'iso20000' } = {},
) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid })
    .setSubject('u-1')
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey);
}

async function codeOf(promise: Promise<unknown>): Promise<{ code: unknown; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GraphQLError) return { code: error.extensions.code, message: error.message };
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('createAuthenticator with a JWKS URL', () => {
  let server: Server;
  let jwksUrl: string;
  let es256: SigningKey;
  let eddsa: SigningKey;
  let jwksRequests = 0;

  beforeAll(async () => {
    es256 = await signingKey('ES256', 'es-1');
    eddsa = await signingKey('EdDSA', 'ed-1');
    const body = JSON.stringify({ keys: [es256.publicJwk, eddsa.publicJwk] });
    server = createServer((req, res) => {
      jwksRequests += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const options = () => ({ jwksUrl, issuer: 'https://id.test', audience: 'iso20000' });

  it('accepts ES256 and EdDSA tokens signed by keys in the set, fetching the set once', async () => {
    const auth = createAuthenticator(options());
    const before = jwksRequests;
    const staff = await sign(es256, { role: 'scheme_staff', name: 'Grace' });
    const candidate = await sign(eddsa, { role: 'candidate', candidate_id: 'cand-7' });
    await expect(auth.authenticate(`Bearer ${staff}`)).resolves.toEqual({
      role: 'scheme_staff',
      subject: 'u-1',
      name: 'Grace',
    });
    await expect(auth.authenticate(`Bearer ${candidate}`)).resolves.toEqual({
      role: 'candidate',
      subject: 'u-1',
      candidateId: 'cand-7',
    });
    expect(jwksRequests - before).toBe(1);
  });

  it('rejects a token signed by a key that is not in the set but claims its kid', async () => {
    const impostor = await signingKey('ES256', 'es-1');
    const token = await sign(impostor, { role: 'scheme_staff' });
    await expect(codeOf(createAuthenticator(options()).authenticate(`Bearer ${token}`))).resolves.toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The token signature is not valid',
    });
  });

  it('rejects a token signed with an unknown key id', async () => {
    const stranger = await signingKey('ES256', 'unknown-kid');
    const token = await sign(stranger, { role: 'scheme_staff' });
    await expect(codeOf(createAuthenticator(options()).authenticate(`Bearer ${token}`))).resolves.toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The token is signed with an unknown key',
    });
  });

  it('rejects an HS256 token when only the key set is configured (no algorithm confusion)', async () => {
    // The classic attack: HMAC-sign with the public key as the secret.
    const token = await new SignJWT({ role: 'scheme_staff' })
      .setProtectedHeader({ alg: 'HS256', kid: 'es-1' })
      .setSubject('u-1')
      .setIssuer('https://id.test')
      .setAudience('iso20000')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(es256.publicJwk)));
    await expect(codeOf(createAuthenticator(options()).authenticate(`Bearer ${token}`))).resolves.toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The token is signed with an algorithm this service does not accept',
    });
  });

  it('checks issuer and audience on key-set tokens', async () => {
    const auth = createAuthenticator(options());
    const foreign = await sign(es256, { role: 'analyst' }, { issuer: 'https://other.test' });
    const elsewhere = await sign(es256, { role: 'analyst' }, { audience: 'other-app' });
    await expect(codeOf(auth.authenticate(`Bearer ${foreign}`))).resolves.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(codeOf(auth.authenticate(`Bearer ${elsewhere}`))).resolves.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('accepts both dev and key-set tokens when both are configured', async () => {
    const auth = createAuthenticator({ ...options(), devSecret: 'dev-secret-for-both' });
    const fromIdp = await sign(eddsa, { role: 'analyst' });
    const dev = await new SignJWT({ role: 'analyst' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u-2')
      .setIssuer('https://id.test')
      .setAudience('iso20000')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('dev-secret-for-both'));
    await expect(auth.authenticate(`Bearer ${fromIdp}`)).resolves.toMatchObject({ subject: 'u-1' });
    await expect(auth.authenticate(`Bearer ${dev}`)).resolves.toMatchObject({ subject: 'u-2' });
  });

  it('answers SERVICE_UNAVAILABLE, not UNAUTHENTICATED, when the key set cannot be fetched', async () => {
    const unreachable = createServer();
    await new Promise<void>((resolve) => unreachable.listen(0, '127.0.0.1', resolve));
    const port = (unreachable.address() as AddressInfo).port;
    await new Promise((resolve) => unreachable.close(resolve));
    const errors: unknown[] = [];
    const auth = createAuthenticator({
      ...options(),
      jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: (obj) => errors.push(obj),
      },
    });
    const token = await sign(es256, { role: 'analyst' });
    await expect(codeOf(auth.authenticate(`Bearer ${token}`))).resolves.toEqual({
      code: 'SERVICE_UNAVAILABLE',
      message: 'Sign-in tokens cannot be checked right now; try again shortly',
    });
    await expect(codeOf(auth.authenticate(`Bearer ${token}`))).resolves.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
    expect(errors).toHaveLength(1);
  });
});
