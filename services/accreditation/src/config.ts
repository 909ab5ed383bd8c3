import { baseServiceConfig } from '@iso20000/service-kit';
import { z } from 'zod';

/** What the service reads from its environment (validated at start by runSubgraph). */
export const accreditationServiceConfig = {
  ...baseServiceConfig,
  /** Budget of the public applications (ATO accreditation, RCB appointment) per client. */
  APPLICATION_RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(10),
  APPLICATION_RATE_LIMIT_PER_MINUTE: z.coerce.number().positive().default(2),
};
export type AccreditationServiceConfig = z.infer<z.ZodObject<typeof accreditationServiceConfig>>;

/** The database the command-line tools (TypeORM CLI, seed, benchmark) use when DATABASE_URL is unset. */
export function toolDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/iso20000_accreditation';
}

/** The log level of the command-line tools. */
export function toolLogLevel(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOG_LEVEL ?? 'warn';
}
