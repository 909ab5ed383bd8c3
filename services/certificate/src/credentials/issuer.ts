import type { Logger } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { BusinessCalendar } from '../domain/business-days';
import type { IssuerProfile } from './credential-documents';
import { generateSigningKeyJwk, parseSigningKey, type IssuerSigningKey } from './signing-key';

/** Everything issuing needs besides the database: the key, the public addresses, the calendar. */
export interface CertificateIssuer {
  key: IssuerSigningKey;
  profile: IssuerProfile;
  calendar: BusinessCalendar;
}

const DEVELOPMENT_KEY_ID = 'development';

/**
 * The signing key from CERTIFICATE_SIGNING_KEY. Without it (development and tests only) a key is
 * generated once and kept in the database, so credentials signed before a restart still verify.
 */
export async function loadSigningKey(
  dataSource: DataSource,
  options: { configuredKey?: string; production: boolean },
  logger: Logger,
): Promise<IssuerSigningKey> {
  if (options.configuredKey) return parseSigningKey(options.configuredKey);
  if (options.production) throw new Error('CERTIFICATE_SIGNING_KEY is required when NODE_ENV=production');
  // Two instances starting together: the first insert wins and both read the same key.
  await dataSource.query(
    `INSERT INTO "issuer_signing_key" ("id", "private_jwk", "created_at") VALUES ($1, $2::jsonb, now()) ON CONFLICT ("id") DO NOTHING`,
    [DEVELOPMENT_KEY_ID, JSON.stringify(generateSigningKeyJwk())],
  );
  const rows = (await dataSource.query(`SELECT "private_jwk" FROM "issuer_signing_key" WHERE "id" = $1`, [
    DEVELOPMENT_KEY_ID,
  ])) as {
    private_jwk: Record<string, unknown>;
  }[];
  const key = await parseSigningKey(JSON.stringify(rows[0].private_jwk));
  logger.warn(
    { kid: key.kid },
    'using the development signing key kept in the database; set CERTIFICATE_SIGNING_KEY in production',
  );
  return key;
}
