import { baseServiceConfig, loadConfig, nodeEnv } from '@iso20000/service-kit';
import { DEFAULT_PORTS } from '@iso20000/topology';
import { z } from 'zod';

export const webConfigShape = {
  NODE_ENV: nodeEnv,
  LOG_LEVEL: baseServiceConfig.LOG_LEVEL,
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORTS.web),
  /** The GraphQL gateway this site is a client of: it has no data of its own. */
  GATEWAY_URL: z.url().default('http://127.0.0.1:4000/graphql'),
  GATEWAY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /**
   * Where people reach this site (absolute URLs in share previews). The certificate service's
   * CERTIFICATE_PUBLIC_BASE_URL names the same place: badges link to /badges/{id} here.
   * Default: http://localhost:PORT.
   */
  WEB_PUBLIC_BASE_URL: z.url().optional(),
  /**
   * Proxies in front of this site (an ingress) whose X-Forwarded-For names the visitor: addresses
   * or CIDR ranges, comma-separated. Empty: the connection's address is the visitor's. The visitor's
   * address is passed on to the gateway, which believes it when GATEWAY_TRUSTED_PROXIES names this site.
   */
  WEB_TRUSTED_PROXIES: z.string().default(''),
  /** Shown as the issuer when no signed credential names one (a revoked certificate). */
  WEB_ISSUER_NAME: z.string().min(1).default('ISO/IEC 20000 Certification Scheme'),
  /** LinkedIn's numeric id of the issuer's company page; without it the add-to-profile link names the issuer. */
  WEB_LINKEDIN_ORGANIZATION_ID: z.string().regex(/^\d+$/, 'digits only').optional(),
};

export type WebConfig = ReturnType<typeof loadWebConfig>;

export function loadWebConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(webConfigShape, env);
  const publicBaseUrl = (config.WEB_PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
  return { ...config, publicBaseUrl };
}
