import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { ensureInfrastructure, workspaceRoot } from './infrastructure';
import { SUBGRAPH_SERVICES } from '@iso20000/topology';

// Entities vs migrations, per service: migrate a scratch database, then ask TypeORM what it would
// still change. Anything at all means an entity changed without a migration (or the reverse).
// Each service's src/data-source.ts is loaded by path, like the TypeORM CLI does.

async function checkService(service: string, serverUrl: string): Promise<string[]> {
  const file = join(workspaceRoot, 'services', service, 'src', 'data-source.ts');
  if (!existsSync(file)) return [`services/${service}/src/data-source.ts is missing`];
  const database = `drift_${service}_${randomBytes(4).toString('hex')}`;
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const admin = new Client({ connectionString: new URL('/postgres', serverUrl).toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  process.env.DATABASE_URL = url.toString();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(file) as { default?: DataSource };
    const dataSource = loaded.default;
    if (!dataSource) return [`services/${service}/src/data-source.ts has no default DataSource export`];
    await dataSource.initialize();
    try {
      await dataSource.runMigrations({ transaction: 'each' });
      const sql = await dataSource.driver.createSchemaBuilder().log();
      return sql.upQueries.map((q) => `services/${service}: ${q.query}`);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }
}

async function main(): Promise<number> {
  const infrastructure = await ensureInfrastructure((m) => console.log(m));
  try {
    const problems: string[] = [];
    for (const service of SUBGRAPH_SERVICES) {
      const found = await checkService(service, infrastructure.databaseUrl);
      console.log(
        `${service}: ${found.length === 0 ? 'entities and migrations agree' : `${found.length} difference(s)`}`,
      );
      problems.push(...found);
    }
    if (problems.length) {
      console.error(`\nSchema drift (generate a migration for these):\n  ${problems.join('\n  ')}`);
      return 1;
    }
    return 0;
  } finally {
    await infrastructure.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
