import type { BaseContext } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { CertificateIssuer } from './credentials/issuer';
import type { Loaders } from './loaders';
import type { RateLimiter } from './rate-limit';

export interface ServiceContext extends BaseContext {
  dataSource: DataSource;
  loaders: Loaders;
  issuer: CertificateIssuer;
  rateLimiter: RateLimiter;
  /** Whose verification budget this request spends (viewer, else forwarded client address). */
  rateLimitKey: string;
}
