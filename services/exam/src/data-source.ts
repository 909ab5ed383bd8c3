import 'reflect-metadata';
import { eventsEntities, eventsMigrations } from '@iso20000/events';
import { createDataSource, LONG_JOB_DATABASE_TIMEOUTS } from '@iso20000/service-kit';
import { toolDatabaseUrl } from './config';
import { AtoStatusEntity } from './entities/ato-status.entity';
import { CandidateQualificationEntity } from './entities/candidate-qualification.entity';
import { CandidateEntity } from './entities/candidate.entity';
import { ExamFormEntity } from './entities/exam-form.entity';
import { ExamPriceEntity } from './entities/exam-price.entity';
import { ExamSessionEntity } from './entities/exam-session.entity';
import { ExamEntity } from './entities/exam.entity';
import { ExamTables1733100000000 } from './migrations/1733100000000-exam-tables';
import { ExamReferenceData1733100000001 } from './migrations/1733100000001-exam-reference-data';
import { CountryCodeFindings1733300000000 } from './migrations/1733300000000-country-code-findings';
import { ItemResponseEntity } from './entities/item-response.entity';
import { SittingTransitionEntity } from './entities/sitting-transition.entity';
import { SittingEntity } from './entities/sitting.entity';
import { statisticsEntities, statisticsMigrations } from './statistics';

export const examEntities = [
  ExamEntity,
  ExamFormEntity,
  ExamPriceEntity,
  AtoStatusEntity,
  CandidateQualificationEntity,
  CandidateEntity,
  ExamSessionEntity,
  SittingEntity,
  SittingTransitionEntity,
  ItemResponseEntity,
];

// The statistics feature (src/statistics) keeps its read model in this database too.
export const entities = [...eventsEntities, ...examEntities, ...statisticsEntities];

export const migrations = [
  ...eventsMigrations,
  ExamTables1733100000000,
  ExamReferenceData1733100000001,
  ...statisticsMigrations,
  CountryCodeFindings1733300000000,
];

/** For the TypeORM CLI and the drift check: DATABASE_URL names the exam database. */
export default createDataSource({
  // the TypeORM CLI's migrations run as a long job, not under the request time limits
  timeouts: LONG_JOB_DATABASE_TIMEOUTS,
  url: toolDatabaseUrl(),
  entities,
  migrations,
});
