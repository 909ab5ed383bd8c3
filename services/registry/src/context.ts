import type { ConsumerFreshness } from '@iso20000/events';
import type { BaseContext } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { CalendarDate } from './domain/calendar-date';
import type { RegistryLoaders } from './loaders';

export interface ServiceContext extends BaseContext {
  dataSource: DataSource;
  loaders: RegistryLoaders;
  /** Today's date for this request (UTC); effective status and lifecycle checks use it. */
  today: CalendarDate;
  /** Whether the registry's copy of RCB statuses is shown current (writes that depend on one check it). */
  rcbStatusCopy: ConsumerFreshness;
}
