import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';

// A stand-in for @iso20000/testing's createTestDatabase until that package exists: one fresh
// database per test file, so files run in parallel and repeatedly.
// `npm test` sets TEST_DATABASE_URL to a server it found or started; any database there will do.
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  dataSource: DataSource;
  dispose(): Promise<void>;
}

async function withAdmin<R>(fn: (client: Client) => Promise<R>): Promise<R> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(options: {
  entities: NonNullable<ConstructorParameters<typeof DataSource>[0]['entities']>;
  migrations: (new () => MigrationInterface)[];
  runMigrations?: boolean;
}): Promise<TestDatabase> {
  const name = `events_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const dataSource = new DataSource({
    type: 'postgres',
    url: url.toString(),
    entities: options.entities,
    migrations: options.migrations,
    synchronize: false,
    logging: false,
  });
  await dataSource.initialize();
  if (options.runMigrations !== false) await dataSource.runMigrations();
  return {
    name,
    url: url.toString(),
    dataSource,
    async dispose() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
