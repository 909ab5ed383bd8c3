import {
  readCredentialStatus,
  verifySignedCredential,
  type JsonObject,
  type Jwks,
} from '@iso20000/credentials';

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
  const revoked = await readCredentialStatus(
    credential.credentialStatus,
    published.statusListJwt,
    published.jwks,
  );
  return { credential, revoked };
}
