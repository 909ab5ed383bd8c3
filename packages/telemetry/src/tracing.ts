import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { instrumentPg } from './pg';

export { SpanKind };
const TRACER = '@iso20000/telemetry';

let provider: NodeTracerProvider | undefined;

/**
 * Traces are on when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) and not switched off (OTEL_SDK_DISABLED=true,
 * OTEL_TRACES_EXPORTER=none): off by default, so development and tests pay nothing.
 */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

export interface StartTracingOptions {
  /** service.name on every span (OTEL_SERVICE_NAME wins when set). */
  serviceName: string;
  env?: NodeJS.ProcessEnv;
  /** Tests: spans go here, one by one, instead of to OTLP in batches. */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** Exports what is buffered and stops; spans after this are dropped. */
  shutdown(): Promise<void>;
}

/**
 * Registers the tracer provider (W3C trace context, AsyncLocalStorage context) and instruments
 * pg, when tracing is configured or an exporter is given. Idempotent per process.
 */
export function startTracing(options: StartTracingOptions): Tracing | undefined {
  const env = options.env ?? process.env;
  if (!options.exporter && !tracingConfigured(env)) return undefined;
  if (!provider) {
    provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || options.serviceName }),
      spanProcessors: [
        options.exporter
          ? new SimpleSpanProcessor(options.exporter)
          : new BatchSpanProcessor(new OTLPTraceExporter()),
      ],
    });
    provider.register();
    instrumentPg();
  }
  const registered = provider;
  return {
    async shutdown() {
      await registered.shutdown();
      if (provider === registered) provider = undefined;
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

export const tracer = () => trace.getTracer(TRACER);

/** Runs `work` inside a new span (a child of the active one), ending it with the outcome. */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}

export function recordFailure(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/** The active span's W3C `traceparent`, for carriers that are not HTTP headers (event envelopes). */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Adds `traceparent` (and `tracestate`) of the active span to outgoing HTTP headers. */
export function injectTraceHeaders(headers: Record<string, string>): void {
  propagation.inject(context.active(), headers);
}

/** The context a `traceparent` names (from an envelope or headers), or none. */
export function contextFromTraceparent(traceparent: string | undefined, tracestate?: string): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, tracestate ? { traceparent, tracestate } : { traceparent });
}

/** The active span's ids, for log lines. */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const span = trace.getSpan(context.active());
  const spanContext = span?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}
