import { availableParallelism } from 'node:os';
import { baseServiceConfig, loadConfig } from '@iso20000/service-kit';
import {
  DEFAULT_PORTS,
  SUBGRAPH_SERVICES,
  urlVariableOf,
  type SubgraphServiceName,
} from '@iso20000/topology';
import { z } from 'zod';

const subgraphUrl = (service: SubgraphServiceName) =>
  z.string().url().default(`http://127.0.0.1:${DEFAULT_PORTS[service]}/graphql`);

export const gatewayConfigShape = {
  NODE_ENV: baseServiceConfig.NODE_ENV,
  LOG_LEVEL: baseServiceConfig.LOG_LEVEL,
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORTS.gateway),
  NATS_URL: baseServiceConfig.NATS_URL,
  EVENTS_NAMESPACE: baseServiceConfig.EVENTS_NAMESPACE,
  REPLICA_MAX_STALENESS_MS: baseServiceConfig.REPLICA_MAX_STALENESS_MS,
  AUTH_DEV_SECRET: baseServiceConfig.AUTH_DEV_SECRET,
  AUTH_JWKS_URL: baseServiceConfig.AUTH_JWKS_URL,
  AUTH_ISSUER: baseServiceConfig.AUTH_ISSUER,
  AUTH_AUDIENCE: baseServiceConfig.AUTH_AUDIENCE,
  AUTH_MAX_TOKEN_LIFETIME_S: baseServiceConfig.AUTH_MAX_TOKEN_LIFETIME_S,
  AUTH_CLOCK_SKEW_S: baseServiceConfig.AUTH_CLOCK_SKEW_S,
  EXAM_URL: subgraphUrl('exam'),
  ACCREDITATION_URL: subgraphUrl('accreditation'),
  CERTIFICATE_URL: subgraphUrl('certificate'),
  REGISTRY_URL: subgraphUrl('registry'),
  NOTIFICATIONS_URL: subgraphUrl('notifications'),
  SUPERGRAPH_PATH: z.string().optional(),
  /** Operation limits: deeper, costlier or more aliased operations are refused before planning (README). */
  GATEWAY_MAX_DEPTH: z.coerce.number().int().positive().default(12),
  GATEWAY_MAX_COST: z.coerce.number().int().positive().default(20_000),
  GATEWAY_MAX_ALIASES: z.coerce.number().int().positive().default(20),
  GATEWAY_MAX_TOKENS: z.coerce.number().int().positive().default(5_000),
  /** Largest operation document (bytes), apart from the body limit that large variables need. */
  GATEWAY_MAX_DOCUMENT_BYTES: z.coerce.number().int().positive().default(100_000),
  /** Deepest nesting of the JSON body (variables included), refused before it is parsed. */
  GATEWAY_MAX_JSON_DEPTH: z.coerce.number().int().positive().default(64),
  /** Query plans cached (MiB, approximate); sized for every distinct operation clients send. */
  GATEWAY_QUERY_PLAN_CACHE_MIB: z.coerce.number().int().positive().default(50),
  /**
   * How long a subgraph may take to answer before its fields are given up as unavailable (a hung
   * process must not hold every request that touches it).
   */
  GATEWAY_SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Keep-alive connections to subgraphs (on by default; off only to measure what it buys). */
  GATEWAY_SUBGRAPH_KEEP_ALIVE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /**
   * Operations one subgraph answers exactly as written go straight to it, skipping plan execution
   * (on by default; off only to measure what it buys).
   */
  GATEWAY_SUBGRAPH_ROUTES: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /**
   * Queries are executed from their plan by the gateway's own executor, compiled once per operation
   * (src/compiled-plans.ts), instead of Apollo Gateway's (on by default; off only to measure what it buys).
   */
  GATEWAY_COMPILED_PLANS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /**
   * Proxies in front of the gateway whose X-Forwarded-For names the client (the public web, an
   * ingress): addresses or CIDR ranges, comma-separated. Empty (the default): the connection's
   * address is the client's, so rate limits cannot be dodged with a made-up header.
   */
  GATEWAY_TRUSTED_PROXIES: z.string().default(''),
  /** Gateway processes (node:cluster workers). Default: one per core in production, 1 otherwise. */
  GATEWAY_WORKERS: z.coerce.number().int().min(1).max(256).optional(),
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env) =>
  loadConfig(gatewayConfigShape, env);

/** Where each subgraph listens. */
export function subgraphUrls(config: GatewayConfig): Record<SubgraphServiceName, string> {
  return Object.fromEntries(
    SUBGRAPH_SERVICES.map((service) => [service, config[urlVariableOf(service)]]),
  ) as Record<SubgraphServiceName, string>;
}

/** One worker per core in production (the gateway is CPU-bound); a single process in development and tests. */
export function gatewayWorkerCount(
  config: Pick<GatewayConfig, 'NODE_ENV' | 'GATEWAY_WORKERS'>,
  cores = availableParallelism(),
): number {
  if (config.GATEWAY_WORKERS !== undefined) return config.GATEWAY_WORKERS;
  return config.NODE_ENV === 'production' ? Math.max(1, cores) : 1;
}
