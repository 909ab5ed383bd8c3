import 'reflect-metadata';
import { eventsEntities, eventsMigrations } from '@iso20000/events';
import {
  createDataSource,
  rateLimitEntities,
  rateLimitMigrations,
  LONG_JOB_DATABASE_TIMEOUTS,
} from '@iso20000/service-kit';
import { AtoDeliveryPreferenceEntity } from './entities/ato-delivery-preference.entity';
import { BadgeEntity } from './entities/badge.entity';
import { CertificateVersionEntity } from './entities/certificate-version.entity';
import { CertificateEntity } from './entities/certificate.entity';
import { HardCopyOrderEntity } from './entities/hard-copy-order.entity';
import { HardCopyPriceEntity } from './entities/hard-copy-price.entity';
import { IssuerSigningKeyEntity } from './entities/issuer-signing-key.entity';
import { VoidedSittingEntity } from './entities/voided-sitting.entity';
import { CertificateTables1732600000000 } from './migrations/1732600000000-certificate-tables';
import { HardCopyPrices1732600000001 } from './migrations/1732600000001-hard-copy-prices';
import { CertificateListIndexes1732600000002 } from './migrations/1732600000002-certificate-list-indexes';
import { CountryCodeFindings1732600000003 } from './migrations/1732600000003-country-code-findings';
import { SharedRateLimitBuckets1764700000001 } from './migrations/1764700000001-shared-rate-limit-buckets';

export const entities = [
  ...eventsEntities,
  ...rateLimitEntities,
  CertificateEntity,
  CertificateVersionEntity,
  BadgeEntity,
  HardCopyOrderEntity,
  HardCopyPriceEntity,
  AtoDeliveryPreferenceEntity,
  VoidedSittingEntity,
  IssuerSigningKeyEntity,
];

export const migrations = [
  ...eventsMigrations,
  CertificateTables1732600000000,
  HardCopyPrices1732600000001,
  CertificateListIndexes1732600000002,
  CountryCodeFindings1732600000003,
  ...rateLimitMigrations,
  SharedRateLimitBuckets1764700000001,
];

// For the TypeORM CLI and the drift check: the service's own database.
export default createDataSource({
  // the TypeORM CLI's migrations run as a long job, not under the request time limits
  timeouts: LONG_JOB_DATABASE_TIMEOUTS,
  url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/iso20000_certificate',
  entities,
  migrations,
});
