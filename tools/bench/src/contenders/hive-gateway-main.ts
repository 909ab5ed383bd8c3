/**
 * Contender 2: GraphQL Hive Gateway (@graphql-hive/gateway-runtime) serving the same supergraph with
 * the same subgraph URLs, in the same number of processes as our gateway (node:cluster).
 * Nothing here talks beyond loopback: no Hive CDN, no usage reporting, no telemetry are configured.
 *
 * HIVE_PLANNER=rust runs the Rust query planner and its executor (`unifiedGraphHandler` from
 * @graphql-hive/router-runtime, a native addon inside the npm package), as Hive's docs configure it;
 * anything else runs the default JavaScript (stitching) runtime.
 *
 * Env: HIVE_SUPERGRAPH_PATH, PORT, HIVE_WORKERS, HIVE_PLANNER.
 */
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';

const supergraphPath = process.env.HIVE_SUPERGRAPH_PATH;
const port = Number(process.env.PORT ?? 4100);
const workers = Math.max(1, Number(process.env.HIVE_WORKERS ?? 1));
const rustPlanner = process.env.HIVE_PLANNER === 'rust';
if (!supergraphPath) throw new Error('HIVE_SUPERGRAPH_PATH is required');

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i += 1) cluster.fork();
  const stop = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} else {
  const gateway = createGatewayRuntime({
    supergraph: readFileSync(supergraphPath, 'utf8'),
    logging: 'warn',
    landingPage: false,
    graphiql: false,
    ...(rustPlanner ? { unifiedGraphHandler } : {}),
    // The same headers our gateway forwards: the credential and the request id.
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({
        authorization: request.headers.get('authorization'),
        'x-request-id': request.headers.get('x-request-id'),
      }),
    },
  });
  const server = createServer(gateway);
  // As ours: subgraphs keep connections longer than the gateway's clients.
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1', () =>
    process.stdout.write(
      `hive gateway (${rustPlanner ? 'Rust' : 'JavaScript'} planner) listening on ${port}\n`,
    ),
  );
  const stop = () => {
    server.close(() => void Promise.resolve(gateway.dispose()).finally(() => process.exit(0)));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
