import { createLocalJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { decodeStatusList, isRevokedInStatusList } from '../domain/status-list';
import type { JsonObject } from './credential-documents';
import type { IssuerSigningKey, Jwks } from './signing-key';

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

export interface OfflineVerification {
  credential: JsonObject;
  revoked: boolean;
}

/**
 * What a relying party does offline with the published JWKS and status list: verify the
 * certificate's signature, verify the status list's signature, and read the certificate's bit.
 */
export async function verifyCertificateOffline(
  credentialJwt: string,
  published: { jwks: Jwks; statusListJwt: string },
): Promise<OfflineVerification> {
  const credential = await verifySignedCredential(credentialJwt, published.jwks);
  const status = credential.credentialStatus as JsonObject | undefined;
  if (!status || status.type !== 'BitstringStatusListEntry' || typeof status.statusListIndex !== 'string') {
    throw new CredentialVerificationError('credential has no BitstringStatusListEntry');
  }
  const statusList = await verifySignedCredential(published.statusListJwt, published.jwks);
  if (statusList.id !== status.statusListCredential) {
    throw new CredentialVerificationError(
      `status list ${String(statusList.id)} is not the credential's ${String(status.statusListCredential)}`,
    );
  }
  const subject = statusList.credentialSubject as JsonObject;
  if (subject.statusPurpose !== 'revocation' || typeof subject.encodedList !== 'string') {
    throw new CredentialVerificationError('status list is not a revocation list');
  }
  const bits = decodeStatusList(subject.encodedList);
  return { credential, revoked: isRevokedInStatusList(bits, Number(status.statusListIndex)) };
}
