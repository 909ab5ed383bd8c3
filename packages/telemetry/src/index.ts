// The public surface of @iso20000/telemetry: import only from here.
export {
  startTracing,
  tracingConfigured,
  tracer,
  inSpan,
  recordFailure,
  currentTraceparent,
  injectTraceHeaders,
  contextFromTraceparent,
  activeTraceIds,
  SpanKind,
  type StartTracingOptions,
  type Tracing,
} from './tracing';
export {
  collectProcessMetrics,
  httpRequestDuration,
  graphqlOperationDuration,
  subgraphRequestDuration,
  eventsPublished,
  eventsHandled,
  eventRedeliveries,
  deadLettersRecorded,
  eventHandlingDuration,
  observeDataSource,
  observeConsumerLag,
  operationLabel,
  metricsRegistry,
  type QueryableDataSource,
} from './metrics';
export { serveMetrics, type MetricsServer } from './metrics-server';
export { observeHttpRequest } from './http';
export { graphqlTelemetryPlugin } from './graphql-plugin';
export { logContext, withRequestId, stopScopingRequests } from './log-context';
export { logFormat, logMixin, logDestination } from './logging';
