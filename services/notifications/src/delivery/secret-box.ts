import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Endpoint secrets must be read back to sign (HMAC needs the secret itself, a hash will not do), so
 * they are stored encrypted with AES-256-GCM under WEBHOOK_SECRET_KEY, which lives outside the
 * database: a copy of the database alone signs nothing. Format: v1.<iv>.<tag>.<ciphertext>, base64url.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the webhook secret key must be 32 bytes');
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed webhook secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}

/** A Standard Webhooks secret: whsec_ and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Enough of a secret to tell two apart, far too little to guess the rest. */
export function secretHintOf(secret: string): string {
  return `${secret.slice(0, 10)}…`;
}
