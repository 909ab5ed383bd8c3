import type { BaseContext } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { DeliverySettings } from './config';
import type { SecretBox } from './delivery/secret-box';
import type { Loaders } from './loaders';

export interface ServiceContext extends BaseContext {
  dataSource: DataSource;
  loaders: Loaders;
  settings: DeliverySettings;
  secrets: SecretBox;
}
