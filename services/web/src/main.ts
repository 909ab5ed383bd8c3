import { baseServiceConfig, createLogger, loadConfig, onShutdown, runService } from '@iso20000/service-kit';
import { serveMetrics, startTracing } from '@iso20000/telemetry';
import { loadWebConfig } from './config';
import { createGatewayClient } from './gateway-client';
import { createWebServer } from './server';

const tracing = startTracing({ serviceName: 'web' });
const logger = createLogger('web', process.env.LOG_LEVEL);

runService(logger, async () => {
  if (tracing) onShutdown('tracing', () => tracing.shutdown());
  const config = loadWebConfig();
  const { METRICS_PORT } = loadConfig({ METRICS_PORT: baseServiceConfig.METRICS_PORT });
  if (METRICS_PORT !== undefined) {
    const metrics = await serveMetrics({ port: METRICS_PORT, logger });
    onShutdown('metrics', () => metrics.close());
  }
  const gateway = createGatewayClient({
    url: config.GATEWAY_URL,
    timeoutMs: config.GATEWAY_TIMEOUT_MS,
    logger,
  });
  const server = createWebServer({ config, gateway, logger });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, resolve);
  });
  onShutdown('web', async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gateway.close();
  });
  logger.info(
    { port: config.PORT, gateway: config.GATEWAY_URL, publicBaseUrl: config.publicBaseUrl },
    'web listening',
  );
});
