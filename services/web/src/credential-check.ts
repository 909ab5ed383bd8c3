import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';

/** What the badge page says about the signed credential after checking it itself. */
export type CredentialCheck =
  | { verified: true; kid: string; issuerName: string | null; achievementName: string | null }
  | { verified: false; reason: string };

/**
 * Checks a badge's signed credential (vc+jwt, EdDSA) against the issuer's published keys, as any
 * relying party would. Keys come from the caller (cached there): one retry with fresh keys covers a
 * key rotated since they were fetched.
 */
export async function checkCredential(
  jwt: string,
  keys: (fresh: boolean) => Promise<JSONWebKeySet>,
): Promise<CredentialCheck> {
  let kid: string;
  try {
    kid = decodeProtectedHeader(jwt).kid ?? '';
  } catch {
    return { verified: false, reason: 'not a compact JWS' };
  }
  for (const fresh of [false, true]) {
    const jwks = await keys(fresh);
    if (!fresh && !jwks.keys.some((key) => key.kid === kid)) continue;
    try {
      const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), { typ: 'vc+jwt' });
      const issuer = payload.issuer as { name?: unknown } | undefined;
      const subject = payload.credentialSubject as { achievement?: { name?: unknown } } | undefined;
      return {
        verified: true,
        kid,
        issuerName: typeof issuer?.name === 'string' ? issuer.name : null,
        achievementName: typeof subject?.achievement?.name === 'string' ? subject.achievement.name : null,
      };
    } catch (error) {
      if (fresh) return { verified: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }
  return { verified: false, reason: 'no key' };
}
