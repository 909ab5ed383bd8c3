import type { ConsumerFreshness } from '@iso20000/events';
import type { BaseContext, PostgresRateLimiter } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { RegistryIssuer } from './credentials/registry-issuer';
import type { CalendarDate } from './domain/calendar-date';
import type { RegistryLoaders } from './loaders';

export interface ServiceContext extends BaseContext {
  dataSource: DataSource;
  loaders: RegistryLoaders;
  /** Today's date for this request (UTC); effective status and lifecycle checks use it. */
  today: CalendarDate;
  /** The instant of this request on the registry's clock (tests move it). */
  now: Date;
  /** The registry's own settings a request needs. */
  settings: RegistrySettings;
  /** The public lookups' budget per client: a certificate number must not be enumerable. */
  verificationBudget: PostgresRateLimiter;
  /** Whose budget this request spends (the viewer, else the client's address). */
  rateLimitKey: string;
  /** Whether the registry's copy of RCB statuses is shown current (writes that depend on one check it). */
  rcbStatusCopy: ConsumerFreshness;
  /** The registry as an issuer of signed records: its key and public addresses. */
  issuer: RegistryIssuer;
}

export interface RegistrySettings {
  transferObjectionDays: number;
  transferCodeValidDays: number;
  staleAfterDays: number;
}
