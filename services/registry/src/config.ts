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
  /** Ed25519 private key as a JWK (JSON) or PKCS#8 PEM signing registry records. Required in production; development generates one. */
  REGISTRY_SIGNING_KEY: z.string().min(1).optional(),
  /** Base of the public addresses signed records name (the public web's): {base}/registry/status-lists/..., the JWKS. */
  REGISTRY_PUBLIC_BASE_URL: z.url().default('http://localhost:4010'),
  REGISTRY_ISSUER_NAME: z.string().min(1).default('ISO/IEC 20000 Certification Scheme registry'),
  /** A signed record's validUntil is at most this many days after signing (and never after the certification's last valid day). */
  REGISTRY_SIGNED_RECORD_VALID_DAYS: z.coerce.number().int().min(1).max(366).default(30),
};
export type RegistryServiceConfig = z.infer<z.ZodObject<typeof registryServiceConfig>>;

/** Bulk imports from RCB integrations run beside public searches. */
export const REGISTRY_POOL_SIZE = 20;
