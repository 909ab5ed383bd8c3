import { baseServiceConfig } from '@iso20000/service-kit';
import { z } from 'zod';

/** The exam service's environment: the base variables every subgraph reads. */
export const examServiceConfig = { ...baseServiceConfig };
export type ExamServiceConfig = z.infer<z.ZodObject<typeof examServiceConfig>>;

/**
 * The exam database for the command-line tools (TypeORM CLI, seed, bench): DATABASE_URL, else the
 * local development database. The service itself requires DATABASE_URL (examServiceConfig).
 */
export function toolDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/iso20000_exam';
}

const minGroupSize = z.coerce.number().int().min(2).max(1000).default(10);

/**
 * k for small-group suppression in exam statistics, from STATISTICS_MIN_GROUP_SIZE (default 10).
 * Read per request: cheap, and a test or a bench may set it without building a new service.
 */
export function statisticsMinGroupSize(env: NodeJS.ProcessEnv = process.env): number {
  const parsed = minGroupSize.safeParse(
    env.STATISTICS_MIN_GROUP_SIZE === '' ? undefined : env.STATISTICS_MIN_GROUP_SIZE,
  );
  if (!parsed.success) throw new Error('STATISTICS_MIN_GROUP_SIZE must be an integer between 2 and 1000');
  return parsed.data;
}
