export {
  ConfigError,
  loadConfig,
  baseServiceConfig,
  databaseUrlOf,
  nodeEnv,
  listenAddressOf,
  trustedProxiesSpecOf,
  type BaseServiceConfig,
} from './config';
export { createLogger, type Logger } from './logger';
export {
  badUserInput,
  forbidden,
  notFound,
  conflict,
  unauthenticated,
  rateLimited,
  toClientError,
  type ErrorCode,
} from './errors';
export { DomainRefusal, refuse, type RefusalCode, type UniqueViolationMessages } from './refusal';
export { isUuid, parseId, knownIds } from './ids';
export { entitiesBy, entityRows, pageOfEntities, type EntityRows } from './entity-rows';
export {
  TEXT_LIMITS,
  parseText,
  parseOptionalText,
  isCountryCode,
  parseCountryCode,
  allCountryCodes,
  type TextRule,
} from './input';
export {
  toConnection,
  paginate,
  pageInMemory,
  decodeCursorAs,
  type Connection,
  type KeysetColumn,
  type CursorPart,
  type PageSize,
} from './connection';
export { IntervalWorker, type IntervalWorkerOptions, type PassOutcome } from './interval-worker';
export {
  ensureDatabase,
  createDataSource,
  openDataSource,
  pendingSchemaChanges,
  SqlCounter,
  DEFAULT_DATABASE_TIMEOUTS,
  LONG_JOB_DATABASE_TIMEOUTS,
  inLongTransaction,
  type DatabaseTimeouts,
  type DataSourceOptions,
} from './database';
export { nulCharacterIn, nulCharacterInDocument, refuseNulCharactersPlugin } from './input-characters';
export {
  checkReadiness,
  databaseCheck,
  natsCheck,
  READINESS_BOUND_MS,
  type CheckState,
  type ReadinessChecks,
  type ReadinessReport,
} from './readiness';
export {
  serveHttp,
  jsonNestingExceeds,
  RawBody,
  sendHttpError,
  unauthenticatedContextError,
  type HttpHandler,
  type HttpShortcut,
  type IncomingGraphQLRequest,
  type RunningHttpServer,
  type ServeHttpOptions,
} from './http';
export {
  createSubgraph,
  baseContextFactory,
  maskInternalError,
  type Authenticates,
  type BaseContext,
  type SubgraphOptions,
} from './subgraph';
export { DateScalar, DateTimeScalar, scalarResolvers } from './scalars';
export { REQUEST_ID_HEADER, requestIdFrom } from './request-id';
export { onShutdown, runService, shutdown } from './shutdown';
export { encodeCursor, decodeCursor, clampPageSize, type PageArgs } from './pagination';
export { createServiceAuthenticator } from './authentication';
export { runSubgraph, type BuiltService, type SubgraphMain } from './run-subgraph';
export {
  assembleService,
  type AssembleServiceOptions,
  type AssembledService,
  type BackgroundWorker,
} from './assemble-service';
export { TrustedProxies } from './client-address';
export {
  PostgresRateLimiter,
  RateLimitBucketEntity,
  RateLimitBuckets1764700000000,
  rateLimitEntities,
  rateLimitMigrations,
  rateLimitClientKey,
  rateLimitRefusal,
  idleRateLimitBucketsSweep,
  type RateLimitBudget,
  type RateLimitDecision,
} from './rate-limit';
export {
  ISO_3166_ALPHA2_2026_12,
  reportInvalidCountryCodes,
  forgetCountryCodeFindings,
  type StoredCountries,
} from './country-code-findings';
