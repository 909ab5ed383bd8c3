/**
 * The load generator, run in its own process (child_process.fork) so that producing load never
 * competes with the measuring process's event loop. Receives one LoadSpec, replies one LoadResult.
 */
import autocannon from 'autocannon';
import { summarizeLatencies } from './stats';
import { createTokenSigner } from './tokens';
import type { LoadResult, LoadSpec, WorkerMessage, WorkerReply } from './load-spec';

/** A growable array of latencies without boxing every sample. */
class Samples {
  private values = new Float64Array(1 << 16);
  length = 0;
  push(value: number) {
    if (this.length === this.values.length) {
      const larger = new Float64Array(this.values.length * 2);
      larger.set(this.values);
      this.values = larger;
    }
    this.values[this.length++] = value;
  }
  view() {
    return this.values.subarray(0, this.length);
  }
}

export function graphqlBodyFailed(body: string): boolean {
  // A failure carries errors, or no data (Apollo Gateway reports a null-bubbled result as data: null
  // with its reasons under extensions.valueCompletion); string tests, as parsing every body would cost.
  return body.includes('"errors"') || body.includes('"valueCompletion"') || !body.includes('"data":{');
}

function authorizationFor(spec: LoadSpec): () => string | undefined {
  const auth = spec.auth;
  if (auth.kind === 'none') return () => undefined;
  if (auth.kind === 'fixed') return () => auth.authorization;
  const signToken = createTokenSigner(auth);
  return () => `Bearer ${signToken(auth.claims)}`;
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const authorization = authorizationFor(spec);
  const varies = spec.body.includes('$SEQ');
  let seq = 0;
  let failedResponses = 0;
  // The status of the response whose body verifyBody sees next (onResponse runs just before it).
  let status = 0;
  let firstError: string | undefined;
  const samples = new Samples();

  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        method: 'POST',
        connections: spec.connections,
        // autocannon rejects a duration key that is present but undefined.
        ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.durationSeconds }),
        timeout: spec.timeoutSeconds ?? 30,
        headers: { 'content-type': 'application/json' },
        body: spec.body,
        requests: [
          {
            setupRequest: (request) => {
              seq += 1;
              const value = authorization();
              // A unique request id on every request, with or without a credential.
              const headers: Record<string, string> = {
                'content-type': 'application/json',
                'x-request-id': `bench-${spec.runId}-${seq}`,
              };
              if (value) headers.authorization = value;
              return {
                ...request,
                headers,
                body: varies ? spec.body.replaceAll('$SEQ', `${spec.runId}-${seq}`) : spec.body,
              };
            },
            onResponse: (statusCode: number) => {
              status = statusCode;
            },
          },
        ],
        // Every response is checked: a failure is a non-2xx status, or a body with errors or no data.
        verifyBody: (body) => {
          const text = String(body);
          if (status >= 200 && status <= 299 && !graphqlBodyFailed(text)) return true;
          failedResponses += 1;
          firstError ??= `HTTP ${status}: ${text.slice(0, 400)}`;
          return false;
        },
      },
      (error, result) => {
        if (error) return reject(error);
        const latency = summarizeLatencies(samples.view());
        const requests = result.requests.total;
        resolve({
          requests,
          durationSeconds: result.duration,
          // Throughput counts answered requests only: a fast error must not look like speed.
          requestsPerSecond:
            result.duration > 0 ? Math.max(0, requests - failedResponses) / result.duration : 0,
          latency,
          // autocannon counts timeouts among its errors.
          connectionErrors: result.errors - result.timeouts,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          failedResponses,
          firstError,
        });
      },
    );
    instance.on('response', (_client, _statusCode, _bytes, responseTime) => samples.push(responseTime));
  });
}

if (require.main === module && process.send) {
  process.on('message', (message: WorkerMessage) => {
    if (message.kind !== 'run') return;
    runLoad(message.spec).then(
      (result) => process.send?.({ kind: 'result', result } satisfies WorkerReply),
      (error: unknown) =>
        process.send?.({
          kind: 'error',
          message: error instanceof Error ? error.message : String(error),
        } satisfies WorkerReply),
    );
  });
}
