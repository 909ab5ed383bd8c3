import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { type DataSource, type EntitySchema, type MixedList } from 'typeorm';
import { createDataSource, LONG_JOB_DATABASE_TIMEOUTS, SqlCounter } from '@iso20000/service-kit';

type EntityList = MixedList<string | (new () => unknown) | EntitySchema>;
type MigrationClass = new () => { up(...args: never[]): Promise<unknown> };

export interface TestDatabase {
  url: string;
  name: string;
  dataSource: DataSource;
  /** Counts the SQL statements issued inside `sql.measure(fn)`. */
  sql: SqlCounter;
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The server tests use: TEST_DATABASE_URL, else DATABASE_URL, else the local PostgreSQL. */
export function testServerUrl(): string {
  return (
    process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  );
}

function urlFor(database: string): string {
  const url = new URL(testServerUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: urlFor('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database for one test file, copied from a migrated template (CREATE DATABASE ... TEMPLATE
 * is far faster than migrating every time). The template's name hashes the migrations' code, so a
 * changed migration gets a new template.
 */
export async function createTestDatabase(
  service: string,
  options: { entities: EntityList; migrations: MigrationClass[] },
): Promise<TestDatabase> {
  const fingerprint = createHash('sha256')
    .update(options.migrations.map((m) => `${m.name}:${m.prototype.up.toString()}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  const template = `tpl_${service}_${fingerprint}`;
  await ensureTemplate(template, options);

  const name = `test_${service}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdmin(async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return;
      } catch (error) {
        // Two files copying the same template at the same instant: PostgreSQL says the source is in use.
        if (attempt >= 20 || (error as { code?: string }).code !== '55006') throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 150));
      }
    }
  });

  const url = urlFor(name);
  const sql = new SqlCounter();
  const dataSource = createDataSource({
    url,
    entities: options.entities,
    migrations: options.migrations,
    sqlCounter: sql,
    poolSize: 5,
  });
  await dataSource.initialize();
  const dispose = async () => {
    if (dataSource.isInitialized) await dataSource.destroy();
    await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  };
  return { url, name, dataSource, sql, dispose, [Symbol.asyncDispose]: dispose };
}

async function ensureTemplate(
  template: string,
  options: { entities: EntityList; migrations: MigrationClass[] },
): Promise<void> {
  const lockKey = Number.parseInt(createHash('sha256').update(template).digest('hex').slice(0, 12), 16);
  const lock = new Client({ connectionString: urlFor('postgres') });
  await lock.connect();
  try {
    // One process builds the template; the others wait for it.
    await lock.query('SELECT pg_advisory_lock($1)', [lockKey]);
    const exists = await lock.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount) return;
    const building = `${template}_building`;
    await lock.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
    await lock.query(`CREATE DATABASE "${building}"`);
    const dataSource = createDataSource({
      url: urlFor(building),
      entities: options.entities,
      migrations: options.migrations,
      poolSize: 1,
      timeouts: LONG_JOB_DATABASE_TIMEOUTS,
    });
    await dataSource.initialize();
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await dataSource.destroy();
    }
    await lock.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [lockKey]).catch(() => undefined);
    await lock.end();
  }
}
