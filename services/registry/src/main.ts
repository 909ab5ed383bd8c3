import 'reflect-metadata';
import { runSubgraph } from '@iso20000/service-kit';
import { entities, migrations } from './data-source';
import { buildService, registryServiceConfig } from './server';

runSubgraph({
  name: 'registry',
  configShape: registryServiceConfig,
  entities,
  migrations,
  // Bulk imports from RCB integrations run beside public searches.
  poolSize: 20,
  build: buildService,
});
