import { GraphQLError } from 'graphql';

// Kept here rather than taken from service-kit: service-kit depends on this package (BaseContext.viewer).

/** The credential is missing where one is needed, or it is not valid: HTTP 401 when thrown while building the context. */
export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

/** Not the client's fault: the server cannot check credentials yet (e.g. still replaying them). */
export function authenticationUnavailable(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } } });
}
