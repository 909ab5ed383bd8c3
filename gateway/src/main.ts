import 'reflect-metadata';
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { connectNats } from '@iso20000/events';
import {
  baseServiceConfig,
  createLogger,
  createServiceAuthenticator,
  loadConfig,
  onShutdown,
  runService,
  serveHttp,
} from '@iso20000/service-kit';
import { serveMetrics, startTracing, stopScopingRequests } from '@iso20000/telemetry';
import { buildGateway, defaultSupergraphPath } from './gateway';
import { gatewayWorkerCount, loadGatewayConfig } from './config';
import {
  buildSubscriptionSchema,
  loadSubscriptionConfig,
  serveSubscriptions,
  subscriptionSdlRoute,
} from './subscriptions';
import { uploadResultsRoute } from './upload-results-route';
import { superviseWorkers } from './workers';

const tracing = startTracing({ serviceName: 'gateway' });
// The gateway writes request ids on its log lines itself: an AsyncLocalStorage costs every promise of
// the process on Node 20 (12-20 % of its CPU per request). Tracing keeps one anyway (its context).
if (!tracing) stopScopingRequests();
const logger = createLogger(cluster.isPrimary ? 'gateway' : `gateway-${cluster.worker?.id ?? 0}`);

runService(logger, async () => {
  if (tracing) onShutdown('tracing', () => tracing.shutdown());
  const config = loadGatewayConfig();
  const workers = gatewayWorkerCount(config);
  // One metrics port per pod or container: the primary sums its workers' metrics.
  const { METRICS_PORT } = loadConfig({ METRICS_PORT: baseServiceConfig.METRICS_PORT });
  if (METRICS_PORT !== undefined && cluster.isPrimary) {
    const metrics = await serveMetrics({ port: METRICS_PORT, logger, aggregateWorkers: workers > 1 });
    onShutdown('metrics', () => metrics.close());
  }
  if (cluster.isPrimary && workers > 1) {
    // The primary only supervises: workers share the listening socket, the kernel spreads connections.
    const supervisor = superviseWorkers({ count: workers, logger });
    onShutdown('workers', () => supervisor.stop());
    await supervisor.ready;
    return;
  }
  const nc = await connectNats(config.NATS_URL, 'gateway');
  onShutdown('nats', () => nc.drain());
  const { authenticator, credentials } = await createServiceAuthenticator(config, nc, logger, 'gateway');
  onShutdown('credentials', () => credentials.close());
  const supergraphSdl = readFileSync(config.SUPERGRAPH_PATH ?? defaultSupergraphPath(), 'utf8');
  const gateway = buildGateway({ config, authenticator, logger, supergraphSdl });
  await gateway.apollo.start();
  onShutdown('apollo', () => gateway.stop());
  // The registry's upload result files, downloaded from the gateway's origin with the GraphQL credential.
  const resultFiles = uploadResultsRoute({
    authenticator,
    registryUrl: config.REGISTRY_URL,
    logger,
    idleTimeoutMs: config.GATEWAY_SUBGRAPH_TIMEOUT_MS,
  });
  const subscriptionConfig = loadSubscriptionConfig();
  const subscriptionSchema = subscriptionConfig.GATEWAY_SUBSCRIPTIONS
    ? buildSubscriptionSchema(supergraphSdl)
    : undefined;
  const http = await serveHttp({
    port: config.PORT,
    apollo: gateway.apollo,
    context: gateway.context,
    shortcut: gateway.shortcut,
    ...gateway.requestLimits,
    ...(subscriptionSchema ? { routes: subscriptionSdlRoute(subscriptionSchema.sdl) } : {}),
    handler: resultFiles.handler,
    handlerRoute: resultFiles.route,
    ready: async () => !nc.isClosed(),
    logger,
  });
  onShutdown('http', () => http.close());
  if (subscriptionSchema) {
    // WebSocket upgrades of /graphql on the same port; closed before the HTTP server (steps run in reverse).
    const subscriptions = serveSubscriptions({
      server: http.server,
      built: subscriptionSchema,
      authenticator,
      nc,
      namespace: config.EVENTS_NAMESPACE,
      logger,
      config: subscriptionConfig,
      production: config.NODE_ENV === 'production',
      maxTokens: config.GATEWAY_MAX_TOKENS,
      trustedProxies: config.GATEWAY_TRUSTED_PROXIES,
    });
    onShutdown('subscriptions', () => subscriptions.close());
  }
});
