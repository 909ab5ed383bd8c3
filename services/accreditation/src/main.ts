import 'reflect-metadata';
import { runSubgraph } from '@iso20000/service-kit';
import { entities, migrations } from './data-source';
import { accreditationServiceConfig } from './config';
import { buildService } from './server';

runSubgraph({
  name: 'accreditation',
  configShape: accreditationServiceConfig,
  entities,
  migrations,
  build: buildService,
});
