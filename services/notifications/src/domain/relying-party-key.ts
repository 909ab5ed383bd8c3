import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** A relying party's API key: `rpk_<id hex>_<secret>`; only the sha256 of the secret is stored. */
const KEY_PATTERN = /^rpk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export function generateRelyingPartyKey(): { id: string; apiKey: string; secretHash: string } {
  const id = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  return { id, apiKey: `rpk_${id.replace(/-/g, '')}_${secret}`, secretHash: sha256(secret) };
}

export function isRelyingPartyKey(apiKey: string): boolean {
  return apiKey.startsWith('rpk_');
}

export function parseRelyingPartyKey(apiKey: string): { id: string; secret: string } | null {
  const match = KEY_PATTERN.exec(apiKey);
  if (!match) return null;
  const hex = match[1];
  return {
    id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    secret: match[2],
  };
}

export function secretMatches(secret: string, secretHash: string): boolean {
  const presented = Buffer.from(sha256(secret), 'hex');
  const stored = Buffer.from(secretHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}

function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
