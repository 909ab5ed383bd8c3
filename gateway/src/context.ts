import type { BaseContext as ApolloBaseContext } from '@apollo/server';
import type { Viewer } from '@iso20000/auth';
import type { GraphQLFormattedError } from 'graphql';

/**
 * What the subgraphs said about a request beyond their data, collected while its plan executes and
 * applied to the gateway's answer (src/subgraph-answers.ts), so a planned answer has the status and
 * body the subgraph would have given on a single-subgraph route.
 */
export class SubgraphAnswers {
  /** The first non-2xx status a subgraph answered with a GraphQL body. */
  status?: number;
  /** A subgraph refused the request before executing any of it (an answer without data). */
  refusal?: { status: number; errors: readonly GraphQLFormattedError[] };
  /** Some subgraph executed its part (its answer carried data). */
  executed = false;
  /** The longest Retry-After (seconds) a subgraph answered with: a rate-limited client waits for all. */
  retryAfterSeconds?: number;

  record(
    status: number,
    body: { data?: unknown; errors?: readonly GraphQLFormattedError[] },
    retryAfter?: string,
  ): void {
    if (body.data !== undefined) this.executed = true;
    const seconds = retryAfter && /^[0-9]+$/.test(retryAfter) ? Number(retryAfter) : undefined;
    if (seconds !== undefined) this.retryAfterSeconds = Math.max(this.retryAfterSeconds ?? 0, seconds);
    if (status >= 200 && status <= 299) return;
    this.status ??= status;
    if (body.data === undefined && body.errors?.length && !this.refusal)
      this.refusal = { status, errors: body.errors };
  }
}

export interface GatewayContext extends ApolloBaseContext {
  requestId: string;
  viewer: Viewer;
  /** Forwarded as-is: each subgraph verifies the credential itself. */
  authorization?: string;
  clientAddress?: string;
  subgraphAnswers: SubgraphAnswers;
}
