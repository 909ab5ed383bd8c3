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
  const known = checked.get(jwt);
  if (known && Date.now() - known.at < CHECK_TTL_MS) return known.check;
  const check = await verifyWithKeys(jwt, keys);
  if (checked.size >= CHECK_CACHE_SIZE) checked.delete(checked.keys().next().value as string);
  checked.set(jwt, { at: Date.now(), check });
  return check;
}

/**
 * A credential's signature check is a pure function of the credential and the keys, so its answer
 * is kept as long as the keys are (the status, which does change, is read on every request).
 */
const CHECK_TTL_MS = 300_000;
const CHECK_CACHE_SIZE = 1000;
const checked = new Map<string, { at: number; check: CredentialCheck }>();
/** jose imports the keys once per key set object. */
const keySets = new WeakMap<JSONWebKeySet, ReturnType<typeof createLocalJWKSet>>();
function keySetOf(jwks: JSONWebKeySet) {
  let set = keySets.get(jwks);
  if (!set) {
    set = createLocalJWKSet(jwks);
    keySets.set(jwks, set);
  }
  return set;
}

async function verifyWithKeys(
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
      const { payload } = await jwtVerify(jwt, keySetOf(jwks), { typ: 'vc+jwt' });
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
