import type { ConsumerFreshness } from '@iso20000/events';
import type { BaseContext } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { createLoaders, type ExamLoaders } from './loaders';

export interface ServiceContext extends BaseContext {
  dataSource: DataSource;
  loaders: ExamLoaders;
  /** Whether the copy of ATO statuses is shown current (a registration through an ATO checks it). */
  atoStatusCopy: AtoStatusCopy;
}

export type AtoStatusCopy = Pick<ConsumerFreshness, 'assertCurrent'>;

export function createServiceContext(
  base: BaseContext,
  dataSource: DataSource,
  atoStatusCopy: AtoStatusCopy,
): ServiceContext {
  return { ...base, dataSource, loaders: createLoaders(dataSource), atoStatusCopy };
}
