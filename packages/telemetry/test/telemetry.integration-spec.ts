import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import {
  contextFromTraceparent,
  currentTraceparent,
  inSpan,
  observeHttpRequest,
  serveMetrics,
  SpanKind,
  startTracing,
  logContext,
  type Tracing,
} from '../src';

// One process's part of a trace, with an in-memory exporter: an HTTP request continuing the caller's
// W3C trace, the SQL it runs (real PostgreSQL), the traceparent it hands to an event, and the
// consumer's span continuing from it. Then the metrics endpoint that a scraper reads.

const exporter = new InMemorySpanExporter();
let tracing: Tracing | undefined;
let server: Server;
let url: string;
const serverUrl =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const seen: { traceparent?: string; log?: ReturnType<typeof logContext> } = {};

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'telemetry-test', exporter });
  server = createServer((req, res) => {
    void observeHttpRequest({ req, res, route: '/graphql', requestId: 'req-12345678' }, async () => {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query('SELECT 1 AS "one"');
      } finally {
        await client.end();
      }
      seen.traceparent = currentTraceparent();
      seen.log = logContext();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await tracing?.shutdown();
});

it('continues the caller’s trace through the request, its SQL and an event’s consumer', async () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const response = await fetch(url, {
    method: 'POST',
    headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
  });
  expect(response.status).toBe(200);

  // What the outbox would store in the envelope, and a consumer elsewhere continuing from it.
  expect(seen.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  await inSpan(
    'consume exam.sitting.released',
    { kind: SpanKind.CONSUMER, parent: contextFromTraceparent(seen.traceparent) },
    async () => undefined,
  );

  const spans = exporter.getFinishedSpans();
  const byName = (name: string) => spans.find((span) => span.name === name);
  const request = byName('POST /graphql');
  const sql = byName('SQL SELECT');
  const consume = byName('consume exam.sitting.released');
  expect(request && sql && consume).toBeTruthy();
  for (const span of [request, sql, consume]) expect(span?.spanContext().traceId).toBe(traceId);
  expect(request?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  expect(sql?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
  expect(consume?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
  expect(sql?.attributes['db.query.text']).toBe('SELECT 1 AS "one"');
  expect(request?.attributes['http.response.status_code']).toBe(200);
  // Log lines written during the request name it and its trace.
  expect(seen.log).toMatchObject({ requestId: 'req-12345678', traceId });
});

it('serves the request metrics and process metrics on the metrics port', async () => {
  const metrics = await serveMetrics({ port: 0, logger: { info: () => undefined, error: () => undefined } });
  try {
    const text = await (await fetch(`http://127.0.0.1:${metrics.port}/metrics`)).text();
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{method="POST",route="\/graphql",status="200"\} [1-9]/m,
    );
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    expect((await fetch(`http://127.0.0.1:${metrics.port}/graphql`)).status).toBe(404);
  } finally {
    await metrics.close();
  }
});
