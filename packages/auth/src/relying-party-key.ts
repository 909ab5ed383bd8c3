import { randomBytes, randomUUID } from 'node:crypto';
import { hashSecret } from './rcb-credential';

/**
 * A relying party's API key (`ApiKey rpk_<id hex>_<secret>`): issued by scheme staff through the
 * notifications service, which keeps and publishes only the sha256 of the secret.
 */
export interface RelyingPartyKey {
  /** The relying party's id (uuid): public, appears in the key and in events. */
  id: string;
  /** Shown once; never stored. */
  secret: string;
  apiKey: string;
  /** sha256 hex of the secret. */
  secretHash: string;
}

// 32 random bytes in base64url are exactly 43 characters; the secret may itself contain '_'.
const KEY_PATTERN = /^rpk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export function generateRelyingPartyKey(): RelyingPartyKey {
  const id = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, apiKey: `rpk_${id.replace(/-/g, '')}_${secret}`, secretHash: hashSecret(secret) };
}

/** The relying party id (uuid with dashes) and secret of a key; null when it is not a relying party's key. */
export function parseRelyingPartyKey(apiKey: string): { relyingPartyId: string; secret: string } | null {
  const match = KEY_PATTERN.exec(apiKey);
  if (!match) return null;
  const hex = match[1];
  return {
    relyingPartyId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    secret: match[2],
  };
}
