import { AsyncLocalStorage } from 'node:async_hooks';
import { activeTraceIds } from './tracing';

/** What a log line carries about the request it was written for. */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/**
 * For pino's `mixin`: the request id and the trace and span ids of the work under way, so every
 * line (from any logger) can be matched with its request and its trace.
 */
export function logContext(): { requestId?: string; traceId?: string; spanId?: string } {
  const scope = requestScope.getStore();
  const ids = activeTraceIds();
  return {
    ...(scope ? { requestId: scope.requestId } : {}),
    ...(ids ? { traceId: ids.traceId, spanId: ids.spanId } : {}),
  };
}

/** Runs `work` with `requestId` on its log lines (events handled outside any HTTP request). */
export function withRequestId<T>(requestId: string | undefined, work: () => T): T {
  return requestId ? requestScope.run({ requestId }, work) : work();
}
