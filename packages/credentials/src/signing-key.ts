import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';

/** An issuer's Ed25519 key: signs its credentials and its status lists. */
export interface IssuerSigningKey {
  kid: string;
  privateKey: KeyObject;
  /** Public half as a JWK with kid, alg and use: what the JWKS publishes. */
  publicJwk: PublicJwk;
}

export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export interface Jwks {
  keys: PublicJwk[];
}

/**
 * Reads the key from configuration: a private JWK (JSON) or a PKCS#8 PEM. `variable` names the
 * configuration variable in error messages (e.g. CERTIFICATE_SIGNING_KEY).
 */
export async function parseSigningKey(
  value: string,
  variable = 'the signing key',
): Promise<IssuerSigningKey> {
  const trimmed = value.trim();
  let privateKey: KeyObject;
  try {
    privateKey = trimmed.startsWith('{')
      ? createPrivateKey({ key: JSON.parse(trimmed) as JsonWebKey, format: 'jwk' })
      : createPrivateKey({ key: trimmed, format: 'pem' });
  } catch (err) {
    throw new Error(`${variable} is neither a private JWK nor a PKCS#8 PEM: ${(err as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${variable} must be an Ed25519 key, got ${privateKey.asymmetricKeyType}`);
  }
  return fromPrivateKey(privateKey);
}

export async function fromPrivateKey(privateKey: KeyObject): Promise<IssuerSigningKey> {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string')
    throw new Error('not an Ed25519 key');
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x });
  return {
    kid,
    privateKey,
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid, alg: 'EdDSA', use: 'sig' },
  };
}

/** A fresh key, as a private JWK (what development persists so credentials survive restarts). */
export function generateSigningKeyJwk(): JsonWebKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return privateKey.export({ format: 'jwk' });
}

export function jwksOf(...keys: IssuerSigningKey[]): Jwks {
  return { keys: keys.map((k) => k.publicJwk) };
}
