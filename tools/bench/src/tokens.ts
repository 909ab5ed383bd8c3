import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Claims the system reads from a person's token (see @iso20000/auth). */
export interface PersonClaims {
  sub: string;
  role: 'candidate' | 'ato_staff' | 'analyst' | 'scheme_staff';
  candidate_id?: string;
  ato_id?: string;
  name?: string;
}

/** The bench's own identity provider: an Ed25519 key whose public half is served as a JWKS on loopback. */
export interface BenchKeys {
  kid: string;
  privateKeyPem: string;
  publicJwk: Record<string, string>;
}

export function generateBenchKeys(): BenchKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = `bench-${randomUUID().slice(0, 8)}`;
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  return {
    kid,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicJwk: { ...jwk, kid, alg: 'EdDSA', use: 'sig' },
  };
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** The bench identity provider's issuer and the audience its tokens are for (AUTH_ISSUER, AUTH_AUDIENCE). */
export const BENCH_ISSUER = 'https://identity.bench.iso20000.invalid';
export const BENCH_AUDIENCE = 'iso20000-api';

/**
 * Signs a JWT synchronously (EdDSA), cheap enough to mint a fresh token for every request of a
 * load run so that no token cache flatters any contender.
 */
export function createTokenSigner(keys: Pick<BenchKeys, 'kid' | 'privateKeyPem'>) {
  const key: KeyObject = createPrivateKey(keys.privateKeyPem);
  const header = base64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: keys.kid }));
  return (claims: PersonClaims, ttlSeconds = 3600): string => {
    const now = Math.floor(Date.now() / 1000);
    const payload = base64url(
      JSON.stringify({
        ...claims,
        iss: BENCH_ISSUER,
        aud: BENCH_AUDIENCE,
        iat: now,
        exp: now + ttlSeconds,
        jti: randomUUID(),
      }),
    );
    const signature = sign(null, Buffer.from(`${header}.${payload}`), key);
    return `${header}.${payload}.${base64url(signature)}`;
  };
}

export interface JwksServer {
  url: string;
  close(): Promise<void>;
}

export async function serveJwks(keys: BenchKeys): Promise<JwksServer> {
  const body = JSON.stringify({ keys: [keys.publicJwk] });
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A signing key for the certificate service in production (it refuses to start without one). */
export function certificateSigningKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}
