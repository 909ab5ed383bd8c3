import 'reflect-metadata';
import { runSubgraph } from '@iso20000/service-kit';
import { certificateConfigShape } from './config';
import { entities, migrations } from './data-source';
import { buildService } from './server';

runSubgraph({
  name: 'certificate',
  configShape: certificateConfigShape,
  entities,
  migrations,
  build: buildService,
});
