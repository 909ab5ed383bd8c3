import type { BaseContext, PostgresRateLimiter } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { CertificateIssuer } from './credentials/issuer';
import type { Loaders } from './loaders';

export interface ServiceContext extends BaseContext {
  dataSource: DataSource;
  loaders: Loaders;
  issuer: CertificateIssuer;
  /** The public verification's budget per client. */
  verificationBudget: PostgresRateLimiter;
  /** Whose budget this request spends (the viewer, else the client's address). */
  rateLimitKey: string;
}
