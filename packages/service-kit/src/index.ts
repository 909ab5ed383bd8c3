export {
  ConfigError,
  loadConfig,
  baseServiceConfig,
  nodeEnv,
  assertAuthConfigured,
  type BaseServiceConfig,
} from './config';
export { createLogger, type Logger } from './logger';
export {
  clientError,
  badUserInput,
  forbidden,
  notFound,
  conflict,
  unauthenticated,
  rateLimited,
  isClientError,
  type ErrorCode,
} from './errors';
export {
  ensureDatabase,
  createDataSource,
  openDataSource,
  pendingSchemaChanges,
  redactUrl,
  SqlCounter,
  type DataSourceOptions,
} from './database';
export {
  serveHttp,
  RawBody,
  unauthenticatedContextError,
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
