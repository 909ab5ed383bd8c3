import { GraphQLError } from 'graphql';

// Kept here rather than taken from service-kit: service-kit depends on this package (BaseContext.viewer).

/** The credential is missing where one is needed, or it is not valid: HTTP 401 when thrown while building the context. */
export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

/** Not the client's fault: the server cannot check credentials yet (e.g. still replaying them); HTTP 503, retryable. */
export function authenticationUnavailable(message: string, retryAfterSeconds = 1): GraphQLError {
  // Apollo Server takes the answer's status and headers from `http` (headers as a Map).
  const extensions: Record<string, unknown> = {
    code: 'SERVICE_UNAVAILABLE',
    retryAfterSeconds,
    http: { status: 503, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
  };
  return new GraphQLError(message, { extensions });
}
