import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from 'pg';
import {
  DataSource,
  type EntityManager,
  type EntitySchema,
  type Logger as TypeOrmLogger,
  type MixedList,
} from 'typeorm';
import type { Logger } from './logger';

type EntityList = MixedList<string | (new () => unknown) | EntitySchema>;
type MigrationList = MixedList<string | (new () => unknown)>;

export interface DataSourceOptions {
  url: string;
  entities: EntityList;
  migrations: MigrationList;
  logger?: Logger;
  poolSize?: number;
  /** Time limits of every connection of the pool; unset fields take DEFAULT_DATABASE_TIMEOUTS. */
  timeouts?: Partial<DatabaseTimeouts>;
  /** Counts SQL statements per unit of work (tests and benchmarks: N+1 must not happen). */
  sqlCounter?: SqlCounter;
}

/**
 * Time limits on every PostgreSQL connection, in milliseconds (0: none). A frozen or locked database
 * must fail a request within a bound instead of holding it, its connection and the gateway's call.
 */
export interface DatabaseTimeouts {
  /** Longest a single statement runs (statement_timeout); below the gateway's subgraph timeout. */
  statementMs: number;
  /** Longest a statement waits for a row or table lock (lock_timeout). */
  lockMs: number;
  /** Longest a transaction may sit idle, holding its locks (idle_in_transaction_session_timeout). */
  idleInTransactionMs: number;
  /** Longest to open a connection or wait for one from the full pool. */
  connectMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  statementMs: 8_000,
  lockMs: 2_000,
  idleInTransactionMs: 10_000,
  connectMs: 5_000,
};

/**
 * For migrations, seeding and other one-off jobs whose statements may legitimately run long: no
 * statement limit, but a lock that is never granted still fails instead of waiting forever.
 */
export const LONG_JOB_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  statementMs: 0,
  lockMs: 60_000,
  idleInTransactionMs: 0,
  connectMs: 10_000,
};

/** The pg pool settings that apply these limits to each connection it opens. */
export function poolTimeouts(timeouts: Partial<DatabaseTimeouts> = {}) {
  const t = { ...DEFAULT_DATABASE_TIMEOUTS, ...timeouts };
  return {
    statement_timeout: t.statementMs,
    lock_timeout: t.lockMs,
    idle_in_transaction_session_timeout: t.idleInTransactionMs,
    // pg uses it both for the TCP/startup of a new connection and for waiting on the full pool
    connectionTimeoutMillis: t.connectMs,
  };
}

/**
 * Runs `work` in a transaction whose statements may run up to `statementMs` (0: no limit), for the
 * few long requests (bulk imports, statistics rebuilds) that must not be cut at the default.
 */
export async function inLongTransaction<T>(
  dataSource: DataSource,
  statementMs: number,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return dataSource.transaction(async (manager) => {
    await manager.query(`SET LOCAL statement_timeout = ${Math.max(0, Math.trunc(statementMs))}`);
    return work(manager);
  });
}

/** Creates the database named in `url` when it does not exist yet (safe when several processes race). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL ${redactUrl(url)} names no database`);
  // A service role may connect only to its own database (least privilege): try that first, and
  // go to the server's `postgres` database to create it only when it does not exist yet.
  const own = new Client({
    connectionString: url,
    connectionTimeoutMillis: LONG_JOB_DATABASE_TIMEOUTS.connectMs,
  });
  try {
    await own.connect();
    await own.end();
    return;
  } catch (error) {
    await own.end().catch(() => undefined);
    // 3D000 invalid_catalog_name: the database does not exist
    if ((error as { code?: string }).code !== '3D000') throw error;
  }
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({
    connectionString: admin.toString(),
    connectionTimeoutMillis: LONG_JOB_DATABASE_TIMEOUTS.connectMs,
  });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } catch (error) {
        // 42P04 duplicate_database / 23505: another process created it between our check and create.
        const code = (error as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}

export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    migrations: options.migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    logging: options.sqlCounter ? ['query', 'error', 'warn'] : ['error', 'warn'],
    logger: new PinoTypeOrmLogger(options.logger, options.sqlCounter),
    extra: { max: options.poolSize ?? 10, idleTimeoutMillis: 30_000, ...poolTimeouts(options.timeouts) },
  });
}

/** Creates the database if absent, connects and runs pending migrations (the only way the schema changes). */
export async function openDataSource(options: DataSourceOptions): Promise<DataSource> {
  await ensureDatabase(options.url);
  // Replicas of a service start together: one migrates while the others wait for it, then find
  // nothing pending (without the lock, two would run the same CREATE TABLE and one would fail).
  const lease = new Client({
    connectionString: options.url,
    connectionTimeoutMillis: LONG_JOB_DATABASE_TIMEOUTS.connectMs,
  });
  await lease.connect();
  try {
    await lease.query(`SELECT pg_advisory_lock(hashtext('iso20000.migrations'))`);
    // Migrations on their own connection with the long-job limits: an index build may take minutes.
    const migrator = createDataSource({ ...options, poolSize: 1, timeouts: LONG_JOB_DATABASE_TIMEOUTS });
    await migrator.initialize();
    try {
      const applied = await migrator.runMigrations({ transaction: 'each' });
      if (applied.length > 0) {
        options.logger?.info({ migrations: applied.map((m) => m.name) }, 'applied migrations');
      }
    } finally {
      await migrator.destroy();
    }
  } finally {
    // ending the session releases its lock
    await lease.end().catch(() => undefined);
  }
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  return dataSource;
}

/** SQL statements that entities and migrations disagree on (empty when in sync). */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}

/**
 * Counts SQL statements issued inside `measure(fn)`, following async context, so concurrent work
 * elsewhere does not disturb the count.
 */
export class SqlCounter {
  private readonly storage = new AsyncLocalStorage<{ statements: string[] }>();

  async measure<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    const store = { statements: [] as string[] };
    const result = await this.storage.run(store, fn);
    return { result, statements: store.statements };
  }

  record(query: string): void {
    this.storage.getStore()?.statements.push(query);
  }
}

class PinoTypeOrmLogger implements TypeOrmLogger {
  constructor(
    private readonly logger?: Logger,
    private readonly counter?: SqlCounter,
  ) {}

  logQuery(query: string): void {
    this.counter?.record(query);
  }
  logQueryError(error: string | Error, query: string): void {
    this.logger?.error({ err: error, query }, 'query failed');
  }
  logQuerySlow(time: number, query: string): void {
    this.logger?.warn({ ms: time, query }, 'slow query');
  }
  logSchemaBuild(message: string): void {
    this.logger?.debug(message);
  }
  logMigration(message: string): void {
    this.logger?.info(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger?.warn({ message }, 'typeorm');
    else this.logger?.debug({ message }, 'typeorm');
  }
}
