import type { BaseContext } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { createLoaders, type ExamLoaders } from './loaders';

export interface ServiceContext extends BaseContext {
  dataSource: DataSource;
  loaders: ExamLoaders;
}

export function createServiceContext(base: BaseContext, dataSource: DataSource): ServiceContext {
  return { ...base, dataSource, loaders: createLoaders(dataSource) };
}
