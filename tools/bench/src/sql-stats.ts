import { Client } from 'pg';

/** Counters of one database from pg_stat_database. */
export interface DatabaseCounters {
  transactions: number;
  tuplesFetched: number;
}
export type SqlSample = Record<string, DatabaseCounters>;

/**
 * SQL work per request from PostgreSQL's own counters. pg_stat_statements is not loaded on this
 * server (it needs shared_preload_libraries), and the services do not expose their SqlCounter, so
 * we read pg_stat_database: the services run reads outside explicit transactions, so each
 * statement commits one transaction and xact_commit counts statements (a bulk import's statements
 * share one transaction and are undercounted).
 */
export class SqlStats {
  private constructor(
    private readonly client: Client,
    private readonly databases: string[],
  ) {}

  static async open(serverUrl: string, databases: string[]): Promise<SqlStats> {
    const url = new URL(serverUrl);
    url.pathname = '/postgres';
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    return new SqlStats(client, databases);
  }

  async sample(): Promise<SqlSample> {
    // PostgreSQL publishes backends' counters at most once a second; clear our snapshot so we see the latest.
    await this.client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await this.client.query<{ datname: string; xacts: string; fetched: string }>(
      `SELECT datname, (xact_commit + xact_rollback)::text AS xacts, tup_fetched::text AS fetched
         FROM pg_stat_database WHERE datname = ANY($1)`,
      [this.databases],
    );
    return Object.fromEntries(
      rows.map((row) => [
        row.datname,
        { transactions: Number(row.xacts), tuplesFetched: Number(row.fetched) },
      ]),
    );
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

export interface SqlPerRequest {
  /** Statements (transactions) per request, over every service database, background subtracted. */
  statements: number;
  tuplesFetched: number;
  byDatabase: Record<string, number>;
}

/**
 * Per-request SQL between two samples, less the background rate (outbox relays and consumers poll
 * even when no request arrives) measured while idle.
 */
export function sqlPerRequest(
  before: SqlSample,
  after: SqlSample,
  requests: number,
  seconds: number,
  backgroundPerSecond: Record<string, number> = {},
): SqlPerRequest {
  const byDatabase: Record<string, number> = {};
  let statements = 0;
  let tuples = 0;
  for (const name of Object.keys(after)) {
    const delta = after[name].transactions - (before[name]?.transactions ?? 0);
    const work = Math.max(0, delta - (backgroundPerSecond[name] ?? 0) * seconds);
    byDatabase[name] = requests > 0 ? work / requests : 0;
    statements += work;
    tuples += after[name].tuplesFetched - (before[name]?.tuplesFetched ?? 0);
  }
  return {
    statements: requests > 0 ? statements / requests : 0,
    tuplesFetched: requests > 0 ? tuples / requests : 0,
    byDatabase,
  };
}

/** Transactions per second per database while idle. */
export function backgroundRate(before: SqlSample, after: SqlSample, seconds: number): Record<string, number> {
  return Object.fromEntries(
    Object.keys(after).map((name) => [
      name,
      Math.max(0, after[name].transactions - (before[name]?.transactions ?? 0)) / seconds,
    ]),
  );
}
