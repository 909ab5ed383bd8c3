import type { BaseContext } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { Loaders } from './loaders';

export interface ServiceContext extends BaseContext {
  dataSource: DataSource;
  loaders: Loaders;
}
