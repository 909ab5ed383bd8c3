import 'reflect-metadata';
import { runSubgraph } from '@iso20000/service-kit';
import { examServiceConfig } from './config';
import { entities, migrations } from './data-source';
import { buildService } from './server';

runSubgraph({ name: 'exam', configShape: examServiceConfig, entities, migrations, build: buildService });
