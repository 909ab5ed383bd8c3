import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

const API_KEY_PREFIX = 'rcbk_';

export interface RcbCredential {
  /** Credential id (uuid): public, appears in the API key and in events. */
  id: string;
  /** Shown once to the RCB; never stored. */
  secret: string;
  /** What the RCB puts in `Authorization: ApiKey <apiKey>`. */
  apiKey: string;
  /** sha256 hex of the secret: the only thing accreditation stores and publishes. */
  secretHash: string;
}

export interface ParsedApiKey {
  credentialId: string;
  secret: string;
}

// 32 random bytes in base64url are exactly 43 characters; the secret may itself contain '_'.
const API_KEY_PATTERN = /^rcbk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;
const SECRET_HASH_PATTERN = /^[0-9a-f]{64}$/;

export function generateRcbCredential(): RcbCredential {
  const id = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  return {
    id,
    secret,
    apiKey: `${API_KEY_PREFIX}${id.replace(/-/g, '')}_${secret}`,
    secretHash: hashSecret(secret),
  };
}

/** Splits an API key into credential id (uuid with dashes) and secret; null when it is not an RCB API key. */
export function parseApiKey(apiKey: string): ParsedApiKey | null {
  const match = API_KEY_PATTERN.exec(apiKey);
  if (!match) return null;
  const hex = match[1];
  const credentialId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { credentialId, secret: match[2] };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function isSecretHash(value: string): boolean {
  return SECRET_HASH_PATTERN.test(value);
}

/** Constant-time check of a presented secret against a stored sha256 hex hash. */
export function secretMatchesHash(secret: string, secretHash: string): boolean {
  if (!isSecretHash(secretHash)) return false;
  const presented = createHash('sha256').update(secret, 'utf8').digest();
  return timingSafeEqual(presented, Buffer.from(secretHash, 'hex'));
}
