import 'reflect-metadata';
import { runSubgraph } from '@iso20000/service-kit';
import { entities, migrations } from './data-source';
import { REGISTRY_POOL_SIZE, registryServiceConfig } from './config';
import { buildService } from './server';

runSubgraph({
  name: 'registry',
  configShape: registryServiceConfig,
  entities,
  migrations,
  poolSize: REGISTRY_POOL_SIZE,
  build: buildService,
});
