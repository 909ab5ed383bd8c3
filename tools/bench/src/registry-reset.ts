import { Client } from 'pg';

/** Certificate numbers the bulk-import scenarios write: BENCH-<run>-<call>-<index>. */
export const BULK_NUMBER_PATTERN = 'BENCH-%';
/** The fixture the read scenarios use (the bench RCB's organizations): kept. */
export const FIXTURE_NUMBER_PATTERN = 'BENCH-seed-%';

export interface RegistryReset {
  certifications: number;
  organizations: number;
  events: number;
}

/**
 * Takes the registry back to its seeded rows plus the bench's fixture: everything the bulk-import
 * scenarios wrote (their certifications, history, organizations and the events they published) is
 * deleted, so the read scenarios measure the same rows in every run and on every contender. Runs
 * between timed runs, never during one. Notifications keeps its own record of the events (its
 * webhook feed); the reads measured here never look at it, so it is left to its retention.
 */
export async function resetRegistryWrites(
  serverUrl: string,
  database: string,
  vacuum = false,
): Promise<RegistryReset> {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await untilQuiet(client);
    await client.query('BEGIN');
    const numbers = `certificate_number LIKE $1 AND certificate_number NOT LIKE $2`;
    const params = [BULK_NUMBER_PATTERN, FIXTURE_NUMBER_PATTERN];
    // Every table that refers to a certification (history, flags, transfers, whatever comes next),
    // found from the foreign keys rather than listed here.
    const referring = await client.query<{ table: string; column: string }>(
      `SELECT c.conrelid::regclass::text AS "table", a.attname AS "column"
         FROM pg_constraint c
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.confrelid = 'organization_certification'::regclass`,
    );
    for (const { table, column } of referring.rows)
      await client.query(
        `DELETE FROM ${table} WHERE "${column}" IN (SELECT id FROM organization_certification WHERE ${numbers})`,
        params,
      );
    const certifications = await client.query<{ organization_id: string }>(
      `DELETE FROM organization_certification WHERE ${numbers} RETURNING organization_id`,
      params,
    );
    const organizations = await client.query(
      `DELETE FROM certified_organization o
        WHERE o.id = ANY($1::uuid[])
          AND NOT EXISTS (SELECT 1 FROM organization_certification c WHERE c.organization_id = o.id)`,
      [[...new Set(certifications.rows.map((row) => row.organization_id))]],
    );
    // Published events of those certifications (the relay is done with them); unpublished ones stay.
    const events = await client.query(
      `DELETE FROM outbox_event
        WHERE published_at IS NOT NULL AND payload->>'certificateNumber' LIKE $1
          AND payload->>'certificateNumber' NOT LIKE $2`,
      params,
    );
    await client.query('COMMIT');
    if (vacuum)
      await client.query(
        'VACUUM (ANALYZE) certification_history, organization_certification, certified_organization, outbox_event',
      );
    return {
      certifications: certifications.rowCount ?? 0,
      organizations: organizations.rowCount ?? 0,
      events: events.rowCount ?? 0,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * Waits until no other session of this database is running a statement or holding a transaction: a
 * load run that ends leaves its last requests running in the services (a bulk import takes seconds),
 * and their rows must land before they are deleted.
 */
async function untilQuiet(client: Client, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ busy: number }>(
      `SELECT count(*)::int AS busy FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()
          AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)')`,
    );
    if (rows[0].busy === 0) return;
    if (Date.now() > deadline) throw new Error(`the registry database stayed busy for ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Waits until the registry's outbox relay has published every event (at most timeoutMs). */
export async function outboxDrained(serverUrl: string, database: string, timeoutMs = 120_000): Promise<void> {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<{ pending: boolean }>(
        'SELECT EXISTS (SELECT 1 FROM outbox_event WHERE published_at IS NULL) AS pending',
      );
      if (!rows[0].pending || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.end();
  }
}
