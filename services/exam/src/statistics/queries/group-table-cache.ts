import type { DataSource, EntityManager } from 'typeorm';
import type { GroupSummary, GroupTable } from './exam-statistics.query';

/** What a grouped statistics request computes before paging: sums, suppression and the total. */
export interface ComputedGroupTable {
  table: GroupTable;
  reasons: Uint8Array;
  total: GroupSummary;
}

interface Entry extends ComputedGroupTable {
  version: string;
}

/**
 * Computed group tables of recent requests, per DataSource (so per database), keyed by request
 * (filter, grouping, k, sums read). An entry is served only while the rollups' version in
 * PostgreSQL (statistics_rollup_version, bumped inside every release / void transaction) is the
 * one it was computed at, so no process ever serves a result another process has made stale.
 * Least recently used entries go first; a 30,000-group table holds ~1-2 MB.
 */
const MAX_ENTRIES = 16;
const caches = new WeakMap<DataSource, Map<string, Entry>>();

/**
 * The rollups' version as committed now. Read BEFORE computing: under READ COMMITTED the data read
 * afterwards is at least as new, so an entry is never older than its version says.
 */
export async function rollupVersion(manager: EntityManager): Promise<string> {
  const [row]: Array<{ version: string | null }> = await manager.query(
    'SELECT sum(version)::text AS version FROM statistics_rollup_version',
  );
  return row?.version ?? '0';
}

export function cachedGroupTable(
  manager: EntityManager,
  key: string,
  version: string,
): ComputedGroupTable | undefined {
  const cache = caches.get(manager.connection);
  const entry = cache?.get(key);
  if (!cache || !entry) return undefined;
  cache.delete(key);
  if (entry.version !== version) return undefined;
  cache.set(key, entry); // most recently used last
  return entry;
}

export function rememberGroupTable(
  manager: EntityManager,
  key: string,
  version: string,
  computed: ComputedGroupTable,
): void {
  let cache = caches.get(manager.connection);
  if (!cache) caches.set(manager.connection, (cache = new Map()));
  cache.delete(key);
  cache.set(key, { ...computed, version });
  while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
}
