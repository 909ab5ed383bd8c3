import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { workspaceRoot } from '@iso20000/tool-dev/src/infrastructure';
import { sourceNodeOptions } from '@iso20000/tool-dev/src/source-node';

/**
 * The registry's upload benchmark: a CSV of 100,000 certifications (about 12 MB, the required columns)
 * uploaded by an RCB integration through the GraphQL upload mutations in 1 MiB chunks and processed
 * by the registry's upload worker, against a fresh database on the PostgreSQL given (default the
 * local one) and NATS. The registry runs in a process of its own
 * (services/registry/src/seed/bench-upload.ts), so the memory figures are the service's: peak RSS
 * and heap over the whole upload. Prints the figures; the database is dropped afterwards.
 *
 *   npm run bench:registry-upload -- [--rows 100000] [--format csv|xlsx] [--max-old-space-mb N] [--dry-run] [--server-url postgres://postgres@127.0.0.1:5432/postgres]
 */

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    'dry-run': { type: 'boolean', default: false },
    format: { type: 'string', default: 'csv' },
    // the V8 old-space limit of the measuring process (MB); default: what node picks for this machine
    'max-old-space-mb': { type: 'string' },
    'server-url': {
      type: 'string',
      default: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    'nats-url': { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
  },
});

async function main(): Promise<number> {
  const serverUrl = values['server-url'] as string;
  const database = `bench_upload_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  try {
    const heapLimit = values['max-old-space-mb'];
    if (heapLimit !== undefined && !/^[1-9][0-9]*$/.test(heapLimit))
      throw new Error('--max-old-space-mb takes a number of megabytes');
    // node itself (not the run-ts wrapper), so --expose-gc reaches the process that measures
    const args = [
      '--expose-gc',
      ...(heapLimit ? [`--max-old-space-size=${heapLimit}`] : []),
      ...sourceNodeOptions(),
      join(workspaceRoot, 'services/registry/src/seed/bench-upload.ts'),
      '--database-url',
      url.toString(),
      '--nats-url',
      values['nats-url'] as string,
      '--rows',
      values.rows as string,
      '--format',
      values.format === 'xlsx' ? 'xlsx' : 'csv',
      ...(values['dry-run'] ? ['--dry-run'] : []),
    ];
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--expose-gc', ...args], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`bench-upload exited with ${code}`)),
      );
    });
    const line = output.trim().split('\n').pop() ?? '';
    const figures = JSON.parse(line) as Record<string, unknown> & {
      memoryPeakMb: { rss: number; heapUsed: number };
      memoryBaselineMb: { rss: number; heapUsed: number };
    };
    console.log(
      `registry upload: ${String(figures.format)}, ${String(figures.rows)} rows, heap limit ${heapLimit ? `${heapLimit} MB` : 'node default'}, ${String(figures.bytes)} bytes in ${String(figures.chunks)} chunks (dry run: ${String(figures.dryRun)})`,
    );
    console.log(
      `  status ${String(figures.status)}: created ${String(figures.created)}, updated ${String(figures.updated)}, unchanged ${String(figures.unchanged)}, rejected ${String(figures.rejected)}`,
    );
    console.log(
      `  receive ${String(figures.receiveSeconds)} s, process ${String(figures.processSeconds)} s: ${String(figures.rowsPerSecond)} rows/s`,
    );
    console.log(
      `  memory: peak RSS ${figures.memoryPeakMb.rss} MB (baseline ${figures.memoryBaselineMb.rss}), peak heap ${figures.memoryPeakMb.heapUsed} MB (baseline ${figures.memoryBaselineMb.heapUsed})`,
    );
    console.log(JSON.stringify(figures));
    return figures.status === 'DONE' ? 0 : 1;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
