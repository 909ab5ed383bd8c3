import { KeyObject, verify as verifySignature, type webcrypto } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { authenticationUnavailable, unauthenticated } from './auth-errors';
import type { AuthLogger } from './auth-logger';
import { devSecretKey } from './dev-token';
import { DEFAULT_MAX_TOKEN_LIFETIME_S, MAX_CLOCK_SKEW_S } from './token-limits';
import { parseApiKey } from './rcb-credential';
import { parseRelyingPartyKey } from './relying-party-key';
import { isClaimsProblem, viewerFromClaims } from './token-claims';
import { PUBLIC_VIEWER, type Viewer } from './viewer';

/** What an API key stands for: an RCB's integration credential, or a relying party's key. */
export type VerifiedCredential =
  { credentialId: string; rcbId: string } | { credentialId: string; relyingPartyId: string };

export interface CredentialVerifier {
  /** The credential behind an API key, or null when the key is unknown, revoked or has a wrong secret. */
  verify(apiKey: string): Promise<VerifiedCredential | null>;
}

export interface AuthenticatorOptions {
  /** HS256 secret for development tokens (AUTH_DEV_SECRET). */
  devSecret?: string;
  /** Production IdP key set (AUTH_JWKS_URL): RS*, PS*, ES*, EdDSA tokens. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string | string[];
  /** API keys (RCB integrations', relying parties') are refused when absent. */
  credentials?: CredentialVerifier;
  /** Seconds of clock skew tolerated on exp/nbf/iat. Default 5, at most MAX_CLOCK_SKEW_S. */
  clockTolerance?: number;
  /**
   * Longest a token may be valid, exp - iat, in seconds (AUTH_MAX_TOKEN_LIFETIME_S). Default 24 h: a
   * token without iat or exp, or meant to live longer, is refused, so a leaked token cannot last years.
   */
  maxTokenLifetimeS?: number;
  /** How long a verified token is remembered (never beyond its exp). Default 30 s; 0 disables. */
  tokenCacheMs?: number;
  /** Bound on remembered tokens. Default 10 000. */
  tokenCacheSize?: number;
  /** Where to report a key set that cannot be fetched. */
  logger?: AuthLogger;
  /**
   * Checks EdDSA tokens from the key set with node:crypto on the key set's own key, kept as a
   * KeyObject, instead of WebCrypto through jose (src/authenticator.ts, fastEdDsaPayload): the same
   * checks, a third less CPU per token. Anything it does not accept goes through jose, which decides.
   * Default true; false for comparisons.
   */
  fastEdDsa?: boolean;
}

export interface Authenticator {
  /** The viewer for an Authorization header; PUBLIC_VIEWER when absent; throws UNAUTHENTICATED when the credential is bad. */
  authenticate(authorizationHeader: string | undefined): Promise<Viewer>;
}

const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

const CLAIM_MESSAGES: Record<string, string> = {
  iss: 'The token was not issued by the expected issuer',
  aud: 'The token is not meant for this service',
  nbf: 'The token is not valid yet',
  iat: 'The token has an invalid issue time',
  exp: 'The token has no valid expiry',
  sub: 'The token has no subject',
};

interface CachedViewer {
  viewer: Viewer;
  until: number;
}

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { devSecret, jwksUrl, issuer, audience, credentials, logger } = options;
  if (!devSecret && !jwksUrl)
    throw new Error('createAuthenticator needs devSecret (development) or jwksUrl (production)');
  const clockTolerance = options.clockTolerance ?? 5;
  if (!(clockTolerance >= 0 && clockTolerance <= MAX_CLOCK_SKEW_S))
    throw new Error(
      `clockTolerance must be between 0 and ${MAX_CLOCK_SKEW_S} seconds, got ${clockTolerance}`,
    );
  const maxLifetime = options.maxTokenLifetimeS ?? DEFAULT_MAX_TOKEN_LIFETIME_S;
  if (!(Number.isInteger(maxLifetime) && maxLifetime > 0))
    throw new Error(`maxTokenLifetimeS must be a positive whole number of seconds, got ${maxLifetime}`);
  const cacheMs = options.tokenCacheMs ?? 30_000;
  const cacheSize = options.tokenCacheSize ?? 10_000;

  const secretKey = devSecret ? devSecretKey(devSecret) : undefined;
  const jwks = jwksUrl ? createRemoteJWKSet(new URL(jwksUrl)) : undefined;
  const algorithms = [...(secretKey ? ['HS256'] : []), ...(jwks ? ASYMMETRIC_ALGORITHMS : [])];
  // Each algorithm family gets only its own key, so a public JWKS key can never be used as an HMAC secret.
  const key: JWTVerifyGetKey = (header, token) => {
    if (header.alg === 'HS256' && secretKey) return secretKey;
    if (jwks) return jwks(header, token);
    throw new Error('unreachable: algorithm was allowed without a key');
  };
  const verifyOptions: JWTVerifyOptions = {
    algorithms,
    clockTolerance,
    requiredClaims: ['sub', 'exp', 'iat'],
    // also refuses an iat in the future (beyond the skew) and one older than the longest lifetime
    maxTokenAge: maxLifetime,
  };
  if (issuer) verifyOptions.issuer = issuer;
  if (audience) verifyOptions.audience = audience;

  const fastEdDsa = jwks && options.fastEdDsa !== false ? fastEdDsaVerifier(jwks, verifyOptions) : undefined;

  // One line per outage burst, not one per request.
  let lastUnavailableLog = 0;
  const reportUnavailable = (error: unknown) => {
    const now = Date.now();
    if (now - lastUnavailableLog < 10_000) return;
    lastUnavailableLog = now;
    logger?.error({ err: error, jwksUrl }, 'cannot verify tokens: key set unavailable');
  };

  // Token -> viewer. Safe because a JWT cannot be revoked before its exp, and entries never outlive it.
  const cache = new Map<string, CachedViewer>();

  async function authenticateToken(token: string): Promise<Viewer> {
    const now = Date.now();
    const hit = cache.get(token);
    if (hit) {
      if (hit.until > now) return hit.viewer;
      cache.delete(token);
    }
    let payload: Record<string, unknown> | undefined;
    try {
      payload = (await fastEdDsa?.(token)) ?? (await jwtVerify(token, key, verifyOptions)).payload;
    } catch (error) {
      throw tokenError(error, reportUnavailable);
    }
    // both are numbers here: jose checked them (required, well-formed, iat not in the future)
    if ((payload.exp as number) - (payload.iat as number) > maxLifetime) {
      throw unauthenticated(
        `The token is valid for longer than the ${maxLifetime} seconds this service accepts; ask for a shorter-lived one`,
      );
    }
    const viewer = viewerFromClaims(payload);
    if (isClaimsProblem(viewer)) throw unauthenticated(viewer.message);
    if (cacheMs > 0 && typeof payload.exp === 'number') {
      if (cache.size >= cacheSize) {
        // Oldest insertion first: cheap, and a busy cache turns over within cacheMs anyway.
        const oldest = cache.keys().next();
        if (!oldest.done) cache.delete(oldest.value);
      }
      cache.set(token, { viewer, until: Math.min(now + cacheMs, (payload.exp + clockTolerance) * 1000 - 1) });
    }
    return viewer;
  }

  async function authenticateApiKey(apiKey: string): Promise<Viewer> {
    if (!credentials) throw unauthenticated('API keys are not accepted by this service');
    if (!parseApiKey(apiKey) && !parseRelyingPartyKey(apiKey))
      throw unauthenticated('The API key is malformed');
    const credential = await credentials.verify(apiKey);
    if (!credential) throw unauthenticated('The API key is unknown or has been revoked');
    if ('relyingPartyId' in credential)
      return Object.freeze({
        role: 'relying_party',
        subject: `relying-party:${credential.relyingPartyId}`,
        relyingPartyId: credential.relyingPartyId,
      });
    return Object.freeze({
      role: 'rcb_integration',
      subject: `credential:${credential.credentialId}`,
      rcbId: credential.rcbId,
      credentialId: credential.credentialId,
    });
  }

  return {
    async authenticate(authorizationHeader) {
      const header = authorizationHeader?.trim();
      if (!header) return PUBLIC_VIEWER;
      const space = header.indexOf(' ');
      const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
      const value = space < 0 ? '' : header.slice(space + 1).trim();
      if (scheme === 'bearer') {
        if (!value) throw unauthenticated('The Bearer token is missing');
        return authenticateToken(value);
      }
      if (scheme === 'apikey') {
        if (!value) throw unauthenticated('The API key is missing');
        return authenticateApiKey(value);
      }
      throw unauthenticated("Unsupported Authorization scheme: use 'Bearer <token>' or 'ApiKey <key>'");
    },
  };
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** The header parameters the fast path knows; any other (crit, b64, jwk, x5c...) goes through jose. */
const PLAIN_HEADER = new Set(['alg', 'kid', 'typ']);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A compact JWS segment as jose decodes it (atob): base64url characters, a length atob accepts. */
function segment(text: string): Buffer | undefined {
  return text.length % 4 !== 1 && BASE64URL.test(text) ? Buffer.from(text, 'base64url') : undefined;
}

function plainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The payload of an EdDSA token that passes every check jose's jwtVerify makes with these options,
 * or undefined when the token is anything else (another algorithm, an unusual header, a key that is
 * not an Ed25519 verification key) or fails any check: the caller then runs jose itself, so jose
 * decides every refusal and its error, and this only ever accepts what jose accepts.
 *
 * Measured in the bench's profile: jose spends its time in WebCrypto (a job on the thread pool and
 * the promises around it per token); node:crypto's one-shot verify on a cached KeyObject does the
 * same Ed25519 check synchronously.
 */
function fastEdDsaVerifier(
  jwks: JWTVerifyGetKey,
  options: JWTVerifyOptions,
): (token: string) => Promise<Record<string, unknown> | undefined> {
  const keyObjects = new WeakMap<object, KeyObject | null>();
  const algorithms = new Set(options.algorithms);
  const tolerance = typeof options.clockTolerance === 'number' ? options.clockTolerance : Number.NaN;
  const maxTokenAge = typeof options.maxTokenAge === 'number' ? options.maxTokenAge : Number.NaN;
  const issuers = options.issuer === undefined ? undefined : [options.issuer].flat();
  const audiences = options.audience === undefined ? undefined : [options.audience].flat();
  const required = new Set([
    ...(options.requiredClaims ?? []),
    'iat',
    ...(audiences ? ['aud'] : []),
    ...(issuers ? ['iss'] : []),
  ]);
  // Options outside what is mirrored below: jose alone.
  const mirrored =
    Number.isFinite(tolerance) && tolerance >= 0 && Number.isFinite(maxTokenAge) && maxTokenAge >= 0;
  if (!mirrored || options.subject !== undefined || options.typ !== undefined || options.crit)
    return async () => undefined;

  const keyObjectOf = (key: unknown): KeyObject | undefined => {
    if (typeof key !== 'object' || key === null) return undefined;
    let cached = keyObjects.get(key);
    if (cached === undefined) {
      cached = null;
      const cryptoKey = key as webcrypto.CryptoKey;
      if (
        cryptoKey.type === 'public' &&
        cryptoKey.algorithm?.name === 'Ed25519' &&
        cryptoKey.usages?.includes('verify')
      ) {
        const keyObject = KeyObject.from(cryptoKey);
        if (keyObject.type === 'public' && keyObject.asymmetricKeyType === 'ed25519') cached = keyObject;
      }
      keyObjects.set(key, cached);
    }
    return cached ?? undefined;
  };

  return async (token) => {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
    const headerBytes = segment(encodedHeader);
    const payloadBytes = segment(encodedPayload);
    const signature = segment(encodedSignature);
    if (!headerBytes || !payloadBytes || !signature) return undefined;
    let header: unknown;
    let payload: unknown;
    try {
      header = JSON.parse(strictUtf8.decode(headerBytes));
      payload = JSON.parse(strictUtf8.decode(payloadBytes));
    } catch {
      return undefined;
    }
    if (!plainObject(header) || !plainObject(payload)) return undefined;
    for (const name in header) if (!PLAIN_HEADER.has(name)) return undefined;
    const { alg } = header;
    if ((alg !== 'EdDSA' && alg !== 'Ed25519') || !algorithms.has(alg)) return undefined;
    if (header.kid !== undefined && typeof header.kid !== 'string') return undefined;
    if (header.typ !== undefined && typeof header.typ !== 'string') return undefined;

    // The key set chooses the key exactly as for jose (kid, alg, refetch on an unknown kid); its
    // errors (no matching key, key set unavailable) are the caller's, as they are from jose.
    const keyObject = keyObjectOf(
      await jwks(header as Parameters<JWTVerifyGetKey>[0], {
        payload: encodedPayload,
        protected: encodedHeader,
        signature: encodedSignature,
      }),
    );
    if (!keyObject) return undefined;
    const signingInput = Buffer.from(`${encodedHeader}.${encodedPayload}`, 'latin1');
    let valid = false;
    try {
      valid = verifySignature(null, signingInput, keyObject, signature);
    } catch {
      return undefined;
    }
    if (!valid) return undefined;

    // jose's claim checks (validateClaimsSet) for these options.
    for (const claim of required) if (!Object.hasOwn(payload, claim)) return undefined;
    if (issuers && !issuers.includes(payload.iss as string)) return undefined;
    if (audiences) {
      const { aud } = payload;
      const present =
        typeof aud === 'string'
          ? audiences.includes(aud)
          : Array.isArray(aud) && audiences.some((audience) => aud.includes(audience));
      if (!present) return undefined;
    }
    const now = Math.floor(Date.now() / 1000);
    const { iat, nbf, exp } = payload;
    if (typeof iat !== 'number') return undefined;
    if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + tolerance)) return undefined;
    if (exp !== undefined && (typeof exp !== 'number' || exp <= now - tolerance)) return undefined;
    const age = now - iat;
    if (age - tolerance > maxTokenAge || age < -tolerance) return undefined;
    return payload;
  };
}

function tokenError(error: unknown, reportUnavailable: (error: unknown) => void): Error {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return unauthenticated('The token has expired; sign in again');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (error as { claim?: string }).claim ?? '';
      return unauthenticated(CLAIM_MESSAGES[claim] ?? `The token's ${claim} claim is invalid`);
    }
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return unauthenticated('The token signature is not valid');
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return unauthenticated('The token is malformed');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return unauthenticated('The token is signed with an algorithm this service does not accept');
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return unauthenticated('The token is signed with an unknown key');
    default:
      // The key set could not be fetched or read: our problem, not the client's.
      reportUnavailable(error);
      return authenticationUnavailable('Sign-in tokens cannot be checked right now; try again shortly');
  }
}
