import { loadSigningKey, type IssuerSigningKey, type StatusPurpose } from '@iso20000/credentials';
import type { Logger } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { RegistryServiceConfig } from '../config';

/** The registry as an issuer of signed records: its own key, its name and its public addresses. */
export interface RegistryIssuer {
  key: IssuerSigningKey;
  /** Base of the public addresses (the public web's): the JWKS, the status lists, the records' subjects. */
  baseUrl: string;
  name: string;
  /** A signed record is valid for at most this many days from its signing (and never past the expiry). */
  recordValidDays: number;
}

/** The purposes the registry keeps a list for: SUSPENDED sets `suspension`, WITHDRAWN sets `revocation`. */
export const REGISTRY_STATUS_PURPOSES: readonly StatusPurpose[] = ['suspension', 'revocation'];

/** The most lists a query may ask for (131,072 certifications each: far more than the registry holds). */
export const MAX_REGISTRY_STATUS_LISTS = 1_000;

export function registryUrls(issuer: Pick<RegistryIssuer, 'baseUrl'>) {
  const base = `${issuer.baseUrl.replace(/\/+$/, '')}/registry`;
  return {
    /** The public registry's page names the issuer. */
    issuerId: base,
    jwks: `${base}/.well-known/jwks.json`,
    statusList: (purpose: StatusPurpose, list: number) => `${base}/status-lists/${purpose}/${list}`,
    certification: (id: string) => `${base}/certifications/${id}`,
  };
}

/**
 * REGISTRY_SIGNING_KEY (required in production); in development one key generated once and kept in
 * the registry's database, so records signed before a restart still verify.
 */
export async function loadRegistryIssuer(
  dataSource: DataSource,
  config: RegistryServiceConfig,
  logger: Logger,
): Promise<RegistryIssuer> {
  const key = await loadSigningKey(
    dataSource,
    {
      configuredKey: config.REGISTRY_SIGNING_KEY,
      variable: 'REGISTRY_SIGNING_KEY',
      production: config.NODE_ENV === 'production',
      table: 'registry_signing_key',
    },
    logger,
  );
  return {
    key,
    baseUrl: config.REGISTRY_PUBLIC_BASE_URL,
    name: config.REGISTRY_ISSUER_NAME,
    recordValidDays: config.REGISTRY_SIGNED_RECORD_VALID_DAYS,
  };
}
