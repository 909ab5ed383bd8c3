import 'reflect-metadata';
import { runSubgraph } from '@iso20000/service-kit';
import { notificationsConfigShape } from './config';
import { entities, migrations } from './data-source';
import { buildService } from './server';

runSubgraph({
  name: 'notifications',
  configShape: notificationsConfigShape,
  entities,
  migrations,
  build: buildService,
});
