import type { Logger } from 'pino';
import { generateSigningKeyJwk, parseSigningKey, type IssuerSigningKey } from './signing-key';

/** What loading the key needs of the database: TypeORM's DataSource (or a QueryRunner) fits. */
export interface SqlQuery {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface SigningKeySource {
  /** The configured key (JWK or PEM), when set. */
  configuredKey?: string;
  /** The variable that holds it, named in errors and warnings, e.g. CERTIFICATE_SIGNING_KEY. */
  variable: string;
  production: boolean;
  /** The table keeping the development key: ("id" text primary key, "private_jwk" jsonb, "created_at" timestamptz). */
  table: string;
}

const DEVELOPMENT_KEY_ID = 'development';

/**
 * The issuer's key from configuration. Without it (development and tests only) a key is generated
 * once and kept in the service's database, so credentials signed before a restart still verify.
 */
export async function loadSigningKey(
  db: SqlQuery,
  source: SigningKeySource,
  logger: Pick<Logger, 'warn'>,
): Promise<IssuerSigningKey> {
  if (source.configuredKey) return parseSigningKey(source.configuredKey, source.variable);
  if (source.production) throw new Error(`${source.variable} is required when NODE_ENV=production`);
  if (!/^[a-z_]+$/.test(source.table)) throw new Error(`not a table name: ${source.table}`);
  // Two instances starting together: the first insert wins and both read the same key.
  await db.query(
    `INSERT INTO "${source.table}" ("id", "private_jwk", "created_at") VALUES ($1, $2::jsonb, now()) ON CONFLICT ("id") DO NOTHING`,
    [DEVELOPMENT_KEY_ID, JSON.stringify(generateSigningKeyJwk())],
  );
  const rows = (await db.query(`SELECT "private_jwk" FROM "${source.table}" WHERE "id" = $1`, [
    DEVELOPMENT_KEY_ID,
  ])) as { private_jwk: Record<string, unknown> }[];
  const key = await parseSigningKey(JSON.stringify(rows[0].private_jwk), source.variable);
  logger.warn(
    { kid: key.kid },
    `using the development signing key kept in the database; set ${source.variable} in production`,
  );
  return key;
}
