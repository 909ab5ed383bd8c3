import { ReplicaNotCurrentError } from '@iso20000/events';
import { GraphQLError } from 'graphql';
import { DomainRefusal, uniqueViolationOf, type UniqueViolationMessages } from './refusal';

export type ErrorCode =
  'BAD_USER_INPUT' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHENTICATED' | 'RATE_LIMITED';

export function clientError(
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...details } });
}

export const badUserInput = (message: string, details?: Record<string, unknown>) =>
  clientError('BAD_USER_INPUT', message, details);
export const forbidden = (message: string, details?: Record<string, unknown>) =>
  clientError('FORBIDDEN', message, details);
export const notFound = (message: string, details?: Record<string, unknown>) =>
  clientError('NOT_FOUND', message, details);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  clientError('CONFLICT', message, details);
export const unauthenticated = (message: string) => clientError('UNAUTHENTICATED', message);
export const rateLimited = (message: string, details?: Record<string, unknown>) =>
  clientError('RATE_LIMITED', message, details);

const clientCodes = new Set<string>([
  'BAD_USER_INPUT',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHENTICATED',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** True for errors the client caused and can act on; everything else is masked in production. */
export function isClientError(code: unknown): boolean {
  return typeof code === 'string' && clientCodes.has(code);
}

/**
 * A refusal as the client error it means: a DomainRefusal keeps its code, message and details; a
 * unique violation is CONFLICT (with the service's message for a named constraint); a GraphQLError
 * is returned as it is; anything else is not a client error (null).
 */
export function toClientError(
  error: unknown,
  uniqueViolations: UniqueViolationMessages = {},
): GraphQLError | null {
  if (error instanceof GraphQLError) return error;
  if (error instanceof DomainRefusal) return clientError(error.code, error.message, error.details);
  if (error instanceof ReplicaNotCurrentError) {
    // Apollo Server takes the answer's status and headers from `http` (headers as a Map).
    const extensions: Record<string, unknown> = {
      code: 'SERVICE_UNAVAILABLE',
      retryable: true,
      retryAfterSeconds: error.retryAfterSeconds,
      http: { status: 503, headers: new Map([['retry-after', String(error.retryAfterSeconds)]]) },
    };
    return new GraphQLError(error.message, { extensions });
  }
  const busy = databaseBusyOf(error);
  if (busy) {
    return new GraphQLError(busy, {
      extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
    });
  }
  const violation = uniqueViolationOf(error);
  if (violation) {
    const message =
      (violation.constraint && uniqueViolations[violation.constraint]) ??
      'This conflicts with a record that already exists; read it again and retry.';
    return clientError('CONFLICT', message);
  }
  return null;
}

// PostgreSQL errors that mean "the database did not get to it in time", not "the request is wrong"
const DATABASE_TIMEOUTS: Record<string, string> = {
  '55P03': 'The data this needs is locked by other work; nothing was changed. Retry shortly.',
  '57014': 'The database took too long to answer; nothing was changed. Retry shortly.',
  '25P03': 'The database took too long to answer; nothing was changed. Retry shortly.',
};

/**
 * The retryable message for a lock timeout, a statement timeout or a pool that gave no connection in
 * time (raw pg or wrapped by TypeORM); null for anything else.
 */
export function databaseBusyOf(error: unknown): string | null {
  const candidates = [error, (error as { driverError?: unknown } | null)?.driverError];
  for (const candidate of candidates) {
    const { code, message } = (candidate ?? {}) as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && DATABASE_TIMEOUTS[code]) return DATABASE_TIMEOUTS[code];
    if (
      typeof message === 'string' &&
      /timeout exceeded when trying to connect|connection timeout/i.test(message)
    )
      return 'The database is not answering; nothing was changed. Retry shortly.';
  }
  return null;
}
