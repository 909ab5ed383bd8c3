import { SignJWT, decodeJwt } from 'jose';
import { DEFAULT_MAX_TOKEN_LIFETIME_S } from './token-limits';
import { isClaimsProblem, viewerFromClaims, type TokenClaims } from './token-claims';

export interface DevTokenOptions {
  issuer?: string;
  audience?: string | string[];
  /** The services' AUTH_MAX_TOKEN_LIFETIME_S: a longer ttl would make a token they refuse. */
  maxLifetimeS?: number;
}

export function devSecretKey(secret: string): Uint8Array {
  if (secret.length === 0) throw new Error('The auth dev secret is empty');
  return new TextEncoder().encode(secret);
}

/**
 * Signs an HS256 token with the development secret (the `npm run token` tool and tests).
 * `ttl` is a jose time span ('12h', '15m', '30s') or seconds since the epoch.
 */
export async function signDevToken(
  secret: string,
  claims: TokenClaims,
  ttl: string | number = '12h',
  options: DevTokenOptions = {},
): Promise<string> {
  // Fail here, not on first use: a token the authenticator would reject is useless.
  const checked = viewerFromClaims({ ...claims });
  if (isClaimsProblem(checked)) throw new Error(checked.message);
  const { sub, ...rest } = claims;
  let jwt = new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(ttl);
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  const token = await jwt.sign(devSecretKey(secret));
  const { iat = 0, exp = 0 } = decodeJwt(token);
  const max = options.maxLifetimeS ?? DEFAULT_MAX_TOKEN_LIFETIME_S;
  if (exp - iat > max) throw new Error(`ttl ${ttl} is longer than the ${max} s a token may live`);
  return token;
}
