import { loadSigningKey as loadIssuerKey, type IssuerSigningKey } from '@iso20000/credentials';
import type { Logger } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { BusinessCalendar } from '../domain/business-days';
import type { IssuerProfile } from './credential-documents';

/** Everything issuing needs besides the database: the key, the public addresses, the calendar. */
export interface CertificateIssuer {
  key: IssuerSigningKey;
  profile: IssuerProfile;
  calendar: BusinessCalendar;
}

/**
 * The signing key from CERTIFICATE_SIGNING_KEY. Without it (development and tests only) a key is
 * generated once and kept in the database, so credentials signed before a restart still verify.
 */
export function loadSigningKey(
  dataSource: DataSource,
  options: { configuredKey?: string; production: boolean },
  logger: Logger,
): Promise<IssuerSigningKey> {
  return loadIssuerKey(
    dataSource,
    { ...options, variable: 'CERTIFICATE_SIGNING_KEY', table: 'issuer_signing_key' },
    logger,
  );
}
