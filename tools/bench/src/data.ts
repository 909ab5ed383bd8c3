import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { workspaceRoot } from '@iso20000/tool-dev/src/infrastructure';
import type { BenchOptions } from './options';
import type { Log } from './log';
import { sourceNodeOptions } from '@iso20000/tool-dev/src/source-node';

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Rows in a table, 0 when the database or the table does not exist yet. */
async function countRows(serverUrl: string, database: string, table: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl(serverUrl, database) });
  try {
    await client.connect();
    const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${table}"`);
    return Number(rows[0].n);
  } catch {
    return 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `npm run seed` (the seed tool) with these arguments, its progress shown as it goes. */
function runSeedTool(args: string[], log: Log): Promise<void> {
  log(`seeding: npm run seed -- ${args.join(' ')}`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...sourceNodeOptions(), join(workspaceRoot, 'tools', 'seed', 'src', 'cli.ts'), ...args],
      { cwd: workspaceRoot, stdio: 'inherit' },
    );
    child.once('exit', (code) => {
      log(`seeding took ${((Date.now() - started) / 1000).toFixed(0)} s`);
      if (code === 0) resolve();
      else reject(new Error(`the seed tool exited with code ${code}`));
    });
  });
}

/** Seeds the volume a suite needs when its databases hold less (the registry and the exam history). */
export async function ensureBenchData(
  options: BenchOptions & { databaseUrl: string },
  log: Log,
): Promise<void> {
  const base = ['--database-url', options.databaseUrl, '--database-prefix', options.databasePrefix];
  const needsRegistry = options.suites.includes('gateway') || options.suites.includes('registry');
  if (needsRegistry) {
    const organizations = await countRows(
      options.databaseUrl,
      `${options.databasePrefix}_registry`,
      'certified_organization',
    );
    log(`registry: ${organizations.toLocaleString('en')} organizations`);
    // The bench's fixture adds its own organizations on top of the seeded ones.
    if (organizations < options.organizations)
      await runSeedTool(
        [
          ...base,
          '--organizations',
          String(options.organizations),
          '--certifications',
          String(options.certifications),
          '--rcbs',
          String(Math.max(300, Math.round(options.organizations / 200))),
        ],
        log,
      );
    const atos = await countRows(options.databaseUrl, `${options.databasePrefix}_accreditation`, 'ato');
    if (atos < 100) await runSeedTool([...base, '--atos', '5000', '--courses', '50000'], log);
  }
  if (options.suites.includes('statistics')) {
    const facts = await countRows(
      options.databaseUrl,
      `${options.databasePrefix}_exam`,
      'statistics_result_fact',
    );
    log(`exam statistics: ${facts.toLocaleString('en')} released results`);
    if (facts < options.sittings)
      await runSeedTool([...base, '--sittings', String(options.sittings), '--replace'], log);
  }
}
