import { baseServiceConfig, loadConfig } from '@iso20000/service-kit';
import { z } from 'zod';
import type { IssuerProfile } from './credentials/credential-documents';
import { parseHolidayList, type BusinessCalendar } from './domain/business-days';

export const certificateConfigShape = {
  ...baseServiceConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(4003),
  /** Ed25519 private key as a JWK (JSON) or PKCS#8 PEM. Required in production; development generates one. */
  CERTIFICATE_SIGNING_KEY: z.string().min(1).optional(),
  /** Base of public addresses in credentials and badges (credential ids, badge pages, status lists). */
  CERTIFICATE_PUBLIC_BASE_URL: z.url().default('http://localhost:4003'),
  CERTIFICATE_ISSUER_NAME: z.string().min(1).default('ISO/IEC 20000 Certification Scheme'),
  /** Public holidays not counted as business days: comma-separated YYYY-MM-DD. */
  CERTIFICATE_PUBLIC_HOLIDAYS: z
    .string()
    .optional()
    .refine(
      (value) => {
        try {
          parseHolidayList(value);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'comma-separated dates YYYY-MM-DD' },
    ),
  /** How often certificates left pending are retried and idle rate-limit buckets forgotten. */
  CERTIFICATE_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
};

/** The variables as loaded (runSubgraph loads them with certificateConfigShape). */
export type CertificateConfig = z.infer<z.ZodObject<typeof certificateConfigShape>>;

export function loadCertificateConfig(env: NodeJS.ProcessEnv = process.env): CertificateConfig {
  return loadConfig(certificateConfigShape, env);
}

/** The scheme's calendar for the two-business-day promise. */
export function businessCalendarOf(config: CertificateConfig): BusinessCalendar {
  return { holidays: parseHolidayList(config.CERTIFICATE_PUBLIC_HOLIDAYS) };
}

/** How the issuer names itself and where its public addresses start. */
export function issuerProfileOf(config: CertificateConfig): IssuerProfile {
  return { baseUrl: config.CERTIFICATE_PUBLIC_BASE_URL, name: config.CERTIFICATE_ISSUER_NAME };
}
