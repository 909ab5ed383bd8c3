import { Client } from 'pg';

/** Calls per statement shape (database + pg_stat_statements queryid) at one moment. */
export type SqlSample = Map<string, StatementCounter>;
export interface StatementCounter {
  database: string;
  calls: number;
  rows: number;
  /** The normalised text, for the JSON report's heaviest statements. */
  query: string;
}

/**
 * SQL per request from pg_stat_statements (loaded by the bench's own PostgreSQL, src/postgres.ts):
 * every statement a service sends is one call, inside a transaction or not, BEGIN and COMMIT
 * included. Counted per statement shape, so the services' idle polling (outbox relays) is subtracted
 * shape by shape at the rate measured while idle, and nothing else is estimated.
 */
export class SqlStats {
  private constructor(
    private readonly client: Client,
    private readonly serverUrl: string,
    private readonly databases: string[],
  ) {}

  /** Undefined with the reason when pg_stat_statements is not available on this server. */
  static async open(serverUrl: string, databases: string[]): Promise<SqlStats> {
    const url = new URL(serverUrl);
    url.pathname = '/postgres';
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await client.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
    } catch (error) {
      await client.end();
      throw new Error(
        `pg_stat_statements is not loaded on ${url.host} (shared_preload_libraries): ${error instanceof Error ? error.message : String(error)}; the bench's own PostgreSQL has it (leave out --database-url)`,
      );
    }
    return new SqlStats(client, serverUrl, databases);
  }

  /** Per database, the normalised statements of its SQL functions (read once: migrations ran before). */
  private functionStatements: Map<string, Set<string>> | undefined;

  /**
   * The statements of the databases' own SQL functions. PostgreSQL 15 counts a SQL function's body
   * run while a query is planned (registry_fold() of a constant, folded by the planner) as a
   * top-level statement, whatever track and track_planning say; no client sent it, so it is left out.
   */
  private async ownFunctionStatements(): Promise<Map<string, Set<string>>> {
    if (this.functionStatements) return this.functionStatements;
    const found = new Map<string, Set<string>>();
    for (const database of this.databases) {
      const url = new URL(this.serverUrl);
      url.pathname = `/${database}`;
      const client = new Client({ connectionString: url.toString() });
      try {
        await client.connect();
        const { rows } = await client.query<{ body: string }>(
          `SELECT p.prosrc AS body FROM pg_proc p
             JOIN pg_language l ON l.oid = p.prolang
             JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE l.lanname = 'sql' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`,
        );
        found.set(
          database,
          new Set(rows.flatMap((row) => splitStatements(row.body)).map(normalisedStatement)),
        );
      } catch {
        found.set(database, new Set()); // a database the bench did not create: nothing to leave out
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    this.functionStatements = found;
    return found;
  }

  async sample(): Promise<SqlSample> {
    const functions = await this.ownFunctionStatements();
    const { rows } = await this.client.query<{
      datname: string;
      queryid: string;
      calls: string;
      rows: string;
      query: string;
    }>(
      `SELECT d.datname, s.queryid::text AS queryid, sum(s.calls)::text AS calls, sum(s.rows)::text AS rows,
              min(s.query) AS query
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = ANY($1) AND s.toplevel
        GROUP BY d.datname, s.queryid`,
      [this.databases],
    );
    return new Map(
      rows
        .filter((row) => !functions.get(row.datname)?.has(normalisedStatement(row.query)))
        .map((row) => [
          `${row.datname}\t${row.queryid}`,
          { database: row.datname, calls: Number(row.calls), rows: Number(row.rows), query: row.query },
        ]),
    );
  }

  /**
   * Waits (at most timeoutMs) until no service database runs a statement or holds a transaction: the
   * last requests of the previous run, abandoned by the load generator, must not run into this one.
   */
  async untilQuiet(timeoutMs = 60_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await this.client.query<{ busy: number }>(
        `SELECT count(*)::int AS busy FROM pg_stat_activity
          WHERE datname = ANY($1) AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)')`,
        [this.databases],
      );
      if (rows[0].busy === 0) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/**
 * A statement as pg_stat_statements shows it, and as a function body writes it, made comparable:
 * constants (which pg_stat_statements turns into $n) and parameters as ?, case and spacing ignored.
 */
export function normalisedStatement(text: string): string {
  return text
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\$\d+/g, '?')
    .replace(/\b\d+(?:\.\d+)?\b/g, '?')
    .replace(/\s+/g, ' ')
    .replace(/\s*;\s*$/, '')
    .trim()
    .toLowerCase();
}

/** A function body's statements (a SQL function may hold several, separated by semicolons). */
export function splitStatements(body: string): string[] {
  return body
    .split(/;(?=(?:[^']*'[^']*')*[^']*$)/)
    .map((statement) => statement.trim())
    .filter(Boolean);
}

export interface SqlPerRequest {
  /** Statements per request over every service database, the idle background subtracted. */
  statements: number;
  /** Rows returned or affected per request. */
  rows: number;
  byDatabase: Record<string, number>;
  /** Statements per request that were the idle background's shapes at their idle rate (subtracted). */
  background: number;
  /** The most frequent statement shapes of the run, per request. */
  top: Array<{ database: string; perRequest: number; query: string }>;
}

/** Per shape, calls per second while nobody asked anything. */
export type BackgroundRate = Map<string, number>;

export function backgroundRate(before: SqlSample, after: SqlSample, seconds: number): BackgroundRate {
  const rate: BackgroundRate = new Map();
  for (const [key, counter] of after) {
    const delta = counter.calls - (before.get(key)?.calls ?? 0);
    if (delta > 0) rate.set(key, delta / seconds);
  }
  return rate;
}

export function sqlPerRequest(
  before: SqlSample,
  after: SqlSample,
  requests: number,
  seconds: number,
  background: BackgroundRate = new Map(),
  databases: readonly string[] = [],
): SqlPerRequest {
  const byDatabase: Record<string, number> = Object.fromEntries(databases.map((name) => [name, 0]));
  let statements = 0;
  let rows = 0;
  let subtracted = 0;
  const shapes: Array<{ database: string; calls: number; query: string }> = [];
  for (const [key, counter] of after) {
    const previous = before.get(key);
    const delta = counter.calls - (previous?.calls ?? 0);
    if (delta <= 0) continue;
    const idle = Math.min(delta, (background.get(key) ?? 0) * seconds);
    const work = delta - idle;
    subtracted += idle;
    statements += work;
    rows += Math.max(0, counter.rows - (previous?.rows ?? 0)) * (work / delta);
    byDatabase[counter.database] = (byDatabase[counter.database] ?? 0) + work;
    if (work > 0) shapes.push({ database: counter.database, calls: work, query: counter.query });
  }
  const per = (value: number) => (requests > 0 ? value / requests : 0);
  return {
    statements: per(statements),
    rows: per(rows),
    byDatabase: Object.fromEntries(Object.entries(byDatabase).map(([name, work]) => [name, per(work)])),
    background: per(subtracted),
    top: shapes
      .sort((a, b) => b.calls - a.calls)
      .slice(0, 8)
      .map((shape) => ({
        database: shape.database,
        perRequest: per(shape.calls),
        query: shape.query.slice(0, 200),
      })),
  };
}
