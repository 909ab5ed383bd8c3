import 'reflect-metadata';
import { eventsEntities, eventsMigrations } from '@iso20000/events';
import {
  createDataSource,
  rateLimitEntities,
  rateLimitMigrations,
  LONG_JOB_DATABASE_TIMEOUTS,
} from '@iso20000/service-kit';
import { toolDatabaseUrl } from './config';
import { AtoStatusChangeEntity } from './entities/ato-status-change.entity';
import { AtoEntity } from './entities/ato.entity';
import { CourseEntity } from './entities/course.entity';
import { ExamLanguageEntity, ExamLevelEntity } from './entities/exam-level.entity';
import { RcbCredentialEntity } from './entities/rcb-credential.entity';
import { RcbStatusChangeEntity } from './entities/rcb-status-change.entity';
import { RcbEntity } from './entities/rcb.entity';
import { TrainerQualificationEntity } from './entities/trainer-qualification.entity';
import { TrainerEntity } from './entities/trainer.entity';
import { AccreditationSchema1764000000000 } from './migrations/1764000000000-accreditation-schema';
import { ExamReferenceData1764000000001 } from './migrations/1764000000001-exam-reference-data';
import { CountryCodeFindings1764000000002 } from './migrations/1764000000002-country-code-findings';

export const entities = [
  ...eventsEntities,
  ...rateLimitEntities,
  AtoEntity,
  AtoStatusChangeEntity,
  RcbEntity,
  RcbStatusChangeEntity,
  CourseEntity,
  TrainerEntity,
  TrainerQualificationEntity,
  ExamLevelEntity,
  ExamLanguageEntity,
  RcbCredentialEntity,
];

export const migrations = [
  ...eventsMigrations,
  ...rateLimitMigrations,
  AccreditationSchema1764000000000,
  ExamReferenceData1764000000001,
  CountryCodeFindings1764000000002,
];

/** For the TypeORM CLI and the schema-drift check. */
export default createDataSource({
  // the TypeORM CLI's migrations run as a long job, not under the request time limits
  timeouts: LONG_JOB_DATABASE_TIMEOUTS,
  url: toolDatabaseUrl(),
  entities,
  migrations,
});
