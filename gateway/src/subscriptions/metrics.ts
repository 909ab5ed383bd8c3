import { Counter, Gauge } from 'prom-client';

/** What the metrics read from each subscription server of this process (tests run several). */
export interface SubscriptionLoad {
  connections(): number;
  subscriptions(): number;
  tails(): number;
}

const servers = new Set<SubscriptionLoad>();
const sum = (read: (load: SubscriptionLoad) => number) => [...servers].reduce((n, s) => n + read(s), 0);

new Gauge({
  name: 'gateway_subscription_connections',
  help: 'Open GraphQL subscription WebSocket connections',
  collect() {
    this.set(sum((s) => s.connections()));
  },
});
new Gauge({
  name: 'gateway_subscriptions_active',
  help: 'Active GraphQL subscriptions (each reads its streams from a cursor or from now)',
  collect() {
    this.set(sum((s) => s.subscriptions()));
  },
});
new Gauge({
  name: 'gateway_subscription_stream_tails',
  help: 'Stream tails (ordered consumers) following new events for the subscribers of this process',
  collect() {
    this.set(sum((s) => s.tails()));
  },
});

export const subscriptionPayloadsSent = new Counter({
  name: 'gateway_subscription_payloads_total',
  help: 'Payloads sent to subscribers, by kind (change or cursor)',
  labelNames: ['kind'] as const,
});

export const subscriptionsEnded = new Counter({
  name: 'gateway_subscriptions_ended_total',
  help: 'Subscriptions ended by the gateway, by error code (CURSOR_EXPIRED, SUBSCRIBER_TOO_SLOW, ...)',
  labelNames: ['code'] as const,
});

export function observeSubscriptionLoad(load: SubscriptionLoad): () => void {
  servers.add(load);
  return () => servers.delete(load);
}
