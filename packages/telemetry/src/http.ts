import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { requestScope, scopesRequests } from './log-context';
import { httpRequestDuration } from './metrics';
import { tracer } from './tracing';

const UNTRACED = new Set(['/health', '/ready']);

/**
 * Wraps one HTTP request: a server span continuing the caller's W3C trace (the gateway's, or the
 * client's), the request id in scope for every log line (unless the process stopped scoping requests:
 * log-context.ts), and the latency histogram on finish.
 * `route` must come from a fixed set (it is a metric label).
 */
export function observeHttpRequest<T>(
  request: { req: IncomingMessage; res: ServerResponse; route: string; requestId: string },
  handle: () => Promise<T>,
): Promise<T> {
  const { req, res, route, requestId } = request;
  const started = process.hrtime.bigint();
  const method = req.method ?? 'GET';
  if (UNTRACED.has(route)) {
    res.once('finish', () => record(method, route, res.statusCode, started));
    return handle();
  }
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = tracer().startSpan(
    `${method} ${route}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': method, 'http.route': route, 'iso20000.request_id': requestId },
    },
    parent,
  );
  res.once('finish', () => {
    record(method, route, res.statusCode, started);
    span.setAttribute('http.response.status_code', res.statusCode);
    span.end();
  });
  res.once('close', () => {
    if (!res.writableFinished) span.end();
  });
  const scoped = scopesRequests() ? () => requestScope.run({ requestId }, handle) : handle;
  return context.with(trace.setSpan(parent, span), scoped);
}

function record(method: string, route: string, status: number, started: bigint) {
  httpRequestDuration.observe(
    { method, route, status: String(status) },
    Number(process.hrtime.bigint() - started) / 1e9,
  );
}
