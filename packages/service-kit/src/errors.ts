import { GraphQLError } from 'graphql';

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
