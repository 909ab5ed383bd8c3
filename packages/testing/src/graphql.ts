import type { ApolloServer, BaseContext } from '@apollo/server';
import { signDevToken, type Viewer } from '@iso20000/auth';
import type { GraphQLFormattedError } from 'graphql';

/** The dev secret tests sign with; services under test are started with the same. */
export const TEST_AUTH_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface OperationResult<TData = Record<string, unknown>> {
  data: TData | null | undefined;
  errors: readonly GraphQLFormattedError[] | undefined;
}

/** Runs an operation in-process (no HTTP) and unwraps the single result. */
export async function executeOperation<TContext extends BaseContext, TData = Record<string, unknown>>(
  apollo: ApolloServer<TContext>,
  request: { query: string; variables?: Record<string, unknown> },
  contextValue: TContext,
): Promise<OperationResult<TData>> {
  const response = await apollo.executeOperation<TData>(request, { contextValue });
  if (response.body.kind !== 'single') throw new Error('incremental delivery is not used in this project');
  return { data: response.body.singleResult.data, errors: response.body.singleResult.errors };
}

/**
 * The data of an operation that must succeed: any GraphQL error fails the test, quoting the errors
 * (and the HTTP status, for results that have one).
 */
export function ok<TData>(result: OperationResult<TData> & { status?: number }): TData {
  if (result.errors?.length) {
    const status = result.status === undefined ? '' : ` (HTTP ${result.status})`;
    throw new Error(`unexpected errors${status}: ${JSON.stringify(result.errors)}`);
  }
  if (result.data == null) throw new Error('an operation answered neither data nor errors');
  return result.data;
}

/** The error codes of a result, for compact assertions: expect(codes(result)).toEqual(['FORBIDDEN']). */
export function errorCodes(result: { errors?: readonly GraphQLFormattedError[] }): unknown[] {
  return (result.errors ?? []).map((error) => error.extensions?.code);
}

/** A dev JWT for a viewer, valid against services started with TEST_AUTH_SECRET. */
export async function tokenFor(viewer: Viewer, secret = TEST_AUTH_SECRET): Promise<string> {
  return signDevToken(secret, {
    sub: viewer.subject ?? `${viewer.role}-test`,
    role: viewer.role,
    candidate_id: viewer.candidateId,
    ato_id: viewer.atoId,
    rcb_id: viewer.rcbId,
    name: viewer.name,
  } as Parameters<typeof signDevToken>[1]);
}

/** POSTs an operation to a running gateway or subgraph over HTTP. */
export async function postGraphQL<TData = Record<string, unknown>>(
  url: string,
  request: { query: string; variables?: Record<string, unknown> },
  headers: Record<string, string> = {},
): Promise<OperationResult<TData> & { status: number }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(request),
  });
  const body = (await response.json()) as { data?: TData | null; errors?: GraphQLFormattedError[] };
  return { status: response.status, data: body.data, errors: body.errors };
}
