import type { BaseContext } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { createLoaders, type ExamLoaders } from './loaders';

export interface ServiceContext extends BaseContext {
  dataSource: DataSource;
  loaders: ExamLoaders;
  /** Wakes the outbox relay after a commit that recorded events, so they leave at once. */
  eventsRecorded: () => void;
}

export function createServiceContext(base: BaseContext, dataSource: DataSource, eventsRecorded: () => void = () => undefined): ServiceContext {
  return { ...base, dataSource, loaders: createLoaders(dataSource), eventsRecorded };
}
