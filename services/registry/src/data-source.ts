import 'reflect-metadata';
import { eventsEntities, eventsMigrations } from '@iso20000/events';
import {
  createDataSource,
  rateLimitEntities,
  rateLimitMigrations,
  LONG_JOB_DATABASE_TIMEOUTS,
} from '@iso20000/service-kit';
import { CertificationHistoryEntity } from './entities/certification-history.entity';
import { CertificationFlagEntity } from './entities/certification-flag.entity';
import { CertificationTransferEntity } from './entities/certification-transfer.entity';
import {
  CertificationUploadChunkEntity,
  CertificationUploadEntity,
  CertificationUploadResultEntity,
} from './entities/certification-upload.entity';
import { RegistrySigningKeyEntity } from './credentials/registry-signing-key.entity';
import { RegistryJobDayEntity } from './entities/registry-job-day.entity';
import { TransferAuthorizationEntity } from './entities/transfer-authorization.entity';
import { CertifiedOrganizationEntity } from './entities/certified-organization.entity';
import { IdempotencyRecordEntity } from './entities/idempotency-record.entity';
import { OrganizationCertificationEntity } from './entities/organization-certification.entity';
import { RcbEntity } from './entities/rcb.entity';
import { RegistryTables1732600000000 } from './migrations/1732600000000-registry-tables';
import { RegistrySearchFolded1732600000001 } from './migrations/1732600000001-registry-search-folded';
import { CountryCodeFindings1732600000002 } from './migrations/1732600000002-country-code-findings';
import { CertificationTransfers1764900000000 } from './migrations/1764900000000-certification-transfers';
import { CertificationFlags1764900000001 } from './migrations/1764900000001-certification-flags';
import { RcbDataFreshness1764900000002 } from './migrations/1764900000002-rcb-data-freshness';
import { CertificationUploads1764900000003 } from './migrations/1764900000003-certification-uploads';
import { SignedRegistryRecords1764900000004 } from './migrations/1764900000004-signed-registry-records';
import { RcbOrganizationNames1765100000000 } from './migrations/1765100000000-rcb-organization-names';

export const entities = [
  ...eventsEntities,
  ...rateLimitEntities,
  RcbEntity,
  CertifiedOrganizationEntity,
  OrganizationCertificationEntity,
  CertificationHistoryEntity,
  IdempotencyRecordEntity,
  CertificationTransferEntity,
  TransferAuthorizationEntity,
  CertificationFlagEntity,
  RegistryJobDayEntity,
  CertificationUploadEntity,
  CertificationUploadChunkEntity,
  CertificationUploadResultEntity,
  RegistrySigningKeyEntity,
];

export const migrations = [
  ...eventsMigrations,
  ...rateLimitMigrations,
  RegistryTables1732600000000,
  RegistrySearchFolded1732600000001,
  CountryCodeFindings1732600000002,
  CertificationTransfers1764900000000,
  CertificationFlags1764900000001,
  RcbDataFreshness1764900000002,
  CertificationUploads1764900000003,
  SignedRegistryRecords1764900000004,
  RcbOrganizationNames1765100000000,
];

/** For the TypeORM CLI and the schema-drift check. */
export default createDataSource({
  // the TypeORM CLI's migrations run as a long job, not under the request time limits
  timeouts: LONG_JOB_DATABASE_TIMEOUTS,
  url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/iso20000_registry',
  entities,
  migrations,
});
