import type { BaseContext, PostgresRateLimiter } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { Loaders } from './loaders';

export interface ServiceContext extends BaseContext {
  dataSource: DataSource;
  loaders: Loaders;
  /** The public applications' budget per client: anyone may apply, nobody may flood the queue. */
  applicationBudget: PostgresRateLimiter;
  /** Whose budget this request spends (the viewer, else the client's address). */
  rateLimitKey: string;
}
