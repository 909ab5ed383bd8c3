import type { PersonClaims } from './tokens';
import type { LatencySummary } from './stats';

/** How each request of a load run is authenticated. */
export type LoadAuth =
  | { kind: 'none' }
  /** One fixed header value (an RCB API key: a real credential cannot be varied per request). */
  | { kind: 'fixed'; authorization: string }
  /** A freshly signed JWT for every request. */
  | { kind: 'jwt'; kid: string; privateKeyPem: string; claims: PersonClaims };

export interface LoadSpec {
  url: string;
  /** JSON request body; every `$SEQ` is replaced by a number unique within the run. */
  body: string;
  auth: LoadAuth;
  connections: number;
  /** Either a duration or a fixed number of requests. */
  durationSeconds?: number;
  amount?: number;
  timeoutSeconds?: number;
  /** Distinguishes this run's `$SEQ` values and request ids from every other run's. */
  runId: string;
}

export interface LoadResult {
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  latency: LatencySummary;
  /** Requests that got no answer (connection refused or reset), timeouts apart. */
  connectionErrors: number;
  timeouts: number;
  non2xx: number;
  /** Answered requests that failed: a non-2xx status, or a body with GraphQL errors or no data. */
  failedResponses: number;
  /** The first failing body seen, shortened, to explain errors. */
  firstError?: string;
}

export type WorkerMessage = { kind: 'run'; spec: LoadSpec };
export type WorkerReply = { kind: 'result'; result: LoadResult } | { kind: 'error'; message: string };
