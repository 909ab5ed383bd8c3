import { AsyncLocalStorage } from 'node:async_hooks';
import { activeTraceIds } from './tracing';

/** What a log line carries about the request it was written for. */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();

let scopingRequests = true;

/**
 * Stops putting work in a request scope for log lines, in this process: for a process that writes
 * the request id on its log lines itself (the gateway, when not tracing). On Node 20 an
 * AsyncLocalStorage, once run, installs async hooks that then cost every promise and async resource
 * of the process, whether in a scope or not: 12 to 20 % of the gateway's CPU per request.
 */
export function stopScopingRequests(): void {
  scopingRequests = false;
}

/** Whether work is put in a request scope for log lines (see stopScopingRequests). */
export function scopesRequests(): boolean {
  return scopingRequests;
}

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
  return requestId && scopingRequests ? requestScope.run({ requestId }, work) : work();
}
