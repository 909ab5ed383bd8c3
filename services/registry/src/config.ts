import { baseServiceConfig } from '@iso20000/service-kit';
import { z } from 'zod';

/** The registry's configuration: the shared variables and its own. */
export const registryServiceConfig = {
  ...baseServiceConfig,
  /** How often the expiry job looks for certifications past their expiry date. */
  REGISTRY_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
  /** How long the issuing RCB may object to a transfer request (IAF MD 2 names no number: the scheme's choice). */
  REGISTRY_TRANSFER_OBJECTION_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  /** How long a one-time transfer code stays usable. */
  REGISTRY_TRANSFER_CODE_VALID_DAYS: z.coerce.number().int().min(1).max(180).default(30),
  /** How often the transfer job completes transfers whose objection window ended. */
  REGISTRY_TRANSFER_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
  /** An RCB whose data was neither changed nor confirmed for longer than this is stale (scheme staff see it). */
  REGISTRY_STALENESS_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** How often the upload worker looks for submitted uploads. */
  REGISTRY_UPLOAD_INTERVAL_MS: z.coerce.number().int().min(100).default(2_000),
  /** How often the rule engine's job looks whether today's daily pass is done (it runs once a day). */
  REGISTRY_FLAGS_INTERVAL_MS: z.coerce.number().int().min(1000).default(3_600_000),
};
export type RegistryServiceConfig = z.infer<z.ZodObject<typeof registryServiceConfig>>;

/** Bulk imports from RCB integrations run beside public searches. */
export const REGISTRY_POOL_SIZE = 20;
