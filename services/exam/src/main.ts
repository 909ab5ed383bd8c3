import 'reflect-metadata';
import { runSubgraph } from '@iso20000/service-kit';
import { entities, migrations } from './data-source';
import { buildService } from './server';

runSubgraph({ name: 'exam', entities, migrations, build: buildService });
