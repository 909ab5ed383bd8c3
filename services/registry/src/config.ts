import { baseServiceConfig } from '@iso20000/service-kit';
import { z } from 'zod';

/** The registry's configuration: the shared variables and its own. */
export const registryServiceConfig = {
  ...baseServiceConfig,
  /** How often the expiry job looks for certifications past their expiry date. */
  REGISTRY_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
};
export type RegistryServiceConfig = z.infer<z.ZodObject<typeof registryServiceConfig>>;

/** Bulk imports from RCB integrations run beside public searches. */
export const REGISTRY_POOL_SIZE = 20;
