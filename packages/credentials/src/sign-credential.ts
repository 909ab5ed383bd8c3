import { createLocalJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { IssuerSigningKey, Jwks } from './signing-key';

export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** VC-JOSE-COSE: the credential itself is the JWT payload, `typ` vc+jwt, signed EdDSA (Ed25519). */
export const CREDENTIAL_JWT_TYPE = 'vc+jwt';

export async function signCredential(credential: JsonObject, key: IssuerSigningKey): Promise<string> {
  return new SignJWT(credential as JWTPayload)
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: CREDENTIAL_JWT_TYPE })
    .sign(key.privateKey);
}

export class CredentialVerificationError extends Error {
  override name = 'CredentialVerificationError';
}

/** Checks a credential JWT's signature against a JWKS and returns its payload. */
export async function verifySignedCredential(jwt: string, jwks: Jwks): Promise<JsonObject> {
  try {
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), {
      typ: CREDENTIAL_JWT_TYPE,
      algorithms: ['EdDSA'],
    });
    return payload as JsonObject;
  } catch (err) {
    throw new CredentialVerificationError(`credential signature does not verify: ${(err as Error).message}`);
  }
}
