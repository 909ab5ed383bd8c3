import type { Viewer } from '@iso20000/auth';
import { startServiceHarness, WebhookReceiver, type ServiceHarness } from '@iso20000/testing';
import { loadNotificationsConfig } from '../src/config';
import type { ServiceContext } from '../src/context';
import { entities, migrations } from '../src/data-source';
import { buildService, type NotificationsService } from '../src/server';

// Per-project testTimeout is ignored when Jest runs several projects; these tests talk to PostgreSQL, NATS and HTTP.
jest.setTimeout(60_000);

/** Short retries so a test sees a whole schedule; loopback allowed for the test's receivers only. */
export const FAST_DELIVERY_ENV = {
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  WEBHOOK_RETRY_DELAYS_MS: '20,20,20,20,20,20',
  WEBHOOK_POLL_INTERVAL_MS: '50',
  WEBHOOK_ATTEMPT_TIMEOUT_MS: '2000',
};

export type NotificationsHarness = ServiceHarness<NotificationsService>;

export async function startNotificationsHarness(
  options: { env?: Record<string, string>; start?: boolean } = {},
): Promise<NotificationsHarness> {
  return startServiceHarness<ServiceContext, NotificationsService>({
    service: 'notifications',
    entities,
    migrations,
    start: options.start,
    build: ({ dataSource, nc, namespace, logger, env }) =>
      buildService({
        dataSource,
        nc,
        namespace,
        logger,
        config: loadNotificationsConfig({ ...env, ...FAST_DELIVERY_ENV, ...options.env }),
      }),
  });
}

export const CREATE = `mutation Create($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret endpoint { id status ownerKind ownerId } }
}`;

/** Creates an endpoint as the viewer and answers its id and secret. */
export async function createEndpoint(
  h: NotificationsHarness,
  viewer: Viewer,
  input: Record<string, unknown>,
): Promise<{ id: string; secret: string }> {
  const data = await h.ok<{ createWebhookEndpoint: { secret: string; endpoint: { id: string } } }>(
    viewer,
    CREATE,
    {
      input,
    },
  );
  return { id: data.createWebhookEndpoint.endpoint.id, secret: data.createWebhookEndpoint.secret };
}

export const DELIVERIES = `query Deliveries($id: ID!) {
  webhookEndpoint(id: $id) {
    status disabledReason
    deliveries(first: 100, order: OLDEST_FIRST) { edges { node { id eventId eventType status attemptCount
      attempts(order: OLDEST_FIRST) { number outcome responseStatus latencyMs error } } } }
  }
}`;

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attemptCount: number;
  attempts: {
    number: number;
    outcome: string;
    responseStatus: number | null;
    latencyMs: number;
    error: string | null;
  }[];
}

export async function deliveriesOf(
  h: NotificationsHarness,
  viewer: Viewer,
  endpointId: string,
): Promise<{ status: string; disabledReason: string | null; deliveries: DeliveryView[] }> {
  const data = await h.ok<{
    webhookEndpoint: {
      status: string;
      disabledReason: string | null;
      deliveries: { edges: { node: DeliveryView }[] };
    };
  }>(viewer, DELIVERIES, { id: endpointId });
  const e = data.webhookEndpoint;
  return {
    status: e.status,
    disabledReason: e.disabledReason,
    deliveries: e.deliveries.edges.map((x) => x.node),
  };
}

export { WebhookReceiver };
