import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';

// Every metric lives in prom-client's default registry: node:cluster aggregation (the gateway's
// workers) reads that one. Names follow Prometheus conventions: base units, _total for counters.

const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

let defaultsCollected = false;
/** Process metrics (CPU, memory, event loop lag, GC, handles) with the prefix-free standard names. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register });
}

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests served, by method, route and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: LATENCY_BUCKETS,
});

export const graphqlOperationDuration = new Histogram({
  name: 'graphql_operation_duration_seconds',
  help: 'GraphQL operations executed, by operation name, type and outcome (ok, error, partial)',
  labelNames: ['operation', 'type', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
});

export const subgraphRequestDuration = new Histogram({
  name: 'gateway_subgraph_request_duration_seconds',
  help: 'Requests from the gateway to a subgraph, by subgraph and outcome (ok, error)',
  labelNames: ['subgraph', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
});

export const eventsPublished = new Counter({
  name: 'outbox_events_published_total',
  help: 'Outbox events published to JetStream, by outcome (ok, failed)',
  labelNames: ['outcome'] as const,
});

export const eventsHandled = new Counter({
  name: 'event_consumer_messages_total',
  help: 'Event messages a consumer finished with, by consumer and outcome (handled, duplicate, failed, dead_lettered)',
  labelNames: ['consumer', 'outcome'] as const,
});

export const eventRedeliveries = new Counter({
  name: 'event_consumer_redeliveries_total',
  help: 'Messages JetStream delivered again (delivery count above one), by consumer',
  labelNames: ['consumer'] as const,
});

export const deadLettersRecorded = new Counter({
  name: 'event_dead_letters_total',
  help: 'Events sent to the dead letter by this process, by consumer',
  labelNames: ['consumer'] as const,
});

export const eventHandlingDuration = new Histogram({
  name: 'event_consumer_handle_duration_seconds',
  help: 'Time to handle one event message, by consumer',
  labelNames: ['consumer'] as const,
  buckets: LATENCY_BUCKETS,
});

/** Names a client chose become labels: beyond this many distinct ones they are counted as `other`. */
const MAX_OPERATION_NAMES = 500;
const operationNames = new Set<string>();
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (!OPERATION_NAME.test(name)) return 'invalid';
  if (operationNames.has(name)) return name;
  if (operationNames.size >= MAX_OPERATION_NAMES) return 'other';
  operationNames.add(name);
  return name;
}

// --- measured when scraped -------------------------------------------------------------------------

/** What the scrape-time gauges need of a TypeORM DataSource (kept structural: no typeorm import). */
export interface QueryableDataSource {
  query(sql: string): Promise<unknown>;
  driver: unknown;
}

const outboxSources = new Set<QueryableDataSource>();
const poolSources = new Map<string, QueryableDataSource>();
type ConsumerLag = () => Promise<{ consumer: string; pending: number; ackPending: number }>;
const consumerLags = new Set<ConsumerLag>();

const seconds = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));

new Gauge({
  name: 'outbox_pending_events',
  help: 'Outbox rows recorded and not yet published',
  async collect() {
    let total = 0;
    for (const source of outboxSources) total += Number((await pendingOutbox(source)).pending);
    this.set(total);
  },
});

new Gauge({
  name: 'outbox_oldest_pending_age_seconds',
  help: 'Age of the oldest unpublished outbox row (0 when none)',
  async collect() {
    let oldest = 0;
    for (const source of outboxSources) oldest = Math.max(oldest, seconds((await pendingOutbox(source)).age));
    this.set(oldest);
  },
});

new Gauge({
  name: 'event_dead_letter_events',
  help: 'Dead-letter rows kept in this service database (events that failed for good)',
  async collect() {
    let total = 0;
    for (const source of outboxSources) {
      const [row] = (await source.query(`SELECT count(*)::int AS "count" FROM "dead_letter_event"`)) as {
        count: number;
      }[];
      total += row.count;
    }
    this.set(total);
  },
});

// One statement for both outbox gauges per scrape: the second reads the first's answer.
const pendingCache = new WeakMap<
  QueryableDataSource,
  { at: number; value: Promise<{ pending: number; age: unknown }> }
>();
function pendingOutbox(source: QueryableDataSource) {
  const cached = pendingCache.get(source);
  if (cached && Date.now() - cached.at < 1000) return cached.value;
  const value = source
    .query(
      `SELECT count(*)::int AS "pending", extract(epoch FROM now() - min("created_at")) AS "age" ` +
        `FROM "outbox_event" WHERE "published_at" IS NULL`,
    )
    .then((rows) => (rows as { pending: number; age: unknown }[])[0]);
  pendingCache.set(source, { at: Date.now(), value });
  return value;
}

new Gauge({
  name: 'db_pool_connections',
  help: 'PostgreSQL pool connections by state (total, idle, waiting: requests queued for a connection)',
  labelNames: ['pool', 'state'] as const,
  collect() {
    for (const [name, source] of poolSources) {
      const pool = (
        source.driver as { master?: { totalCount: number; idleCount: number; waitingCount: number } }
      ).master;
      if (!pool) continue;
      this.set({ pool: name, state: 'total' }, pool.totalCount);
      this.set({ pool: name, state: 'idle' }, pool.idleCount);
      this.set({ pool: name, state: 'waiting' }, pool.waitingCount);
    }
  },
});

new Gauge({
  name: 'event_consumer_pending_messages',
  help: 'Consumer lag: messages in the stream not yet delivered to the consumer',
  labelNames: ['consumer'] as const,
  async collect() {
    for (const lag of consumerLags) {
      const info = await lag().catch(() => undefined);
      if (info) this.set({ consumer: info.consumer }, info.pending);
    }
  },
});

new Gauge({
  name: 'event_consumer_ack_pending_messages',
  help: 'Messages delivered to the consumer and not yet acknowledged',
  labelNames: ['consumer'] as const,
  async collect() {
    for (const lag of consumerLags) {
      const info = await lag().catch(() => undefined);
      if (info) this.set({ consumer: info.consumer }, info.ackPending);
    }
  },
});

/** The outbox, its dead letters and the connection pool of a service's database, read at each scrape. */
export function observeDataSource(name: string, source: QueryableDataSource): () => void {
  outboxSources.add(source);
  poolSources.set(name, source);
  return () => {
    outboxSources.delete(source);
    poolSources.delete(name);
  };
}

/** A consumer's lag, asked of JetStream at each scrape. */
export function observeConsumerLag(lag: ConsumerLag): () => void {
  consumerLags.add(lag);
  return () => consumerLags.delete(lag);
}

export { register as metricsRegistry };
