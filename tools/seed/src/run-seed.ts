import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { PROGRESS_TABLES, workspaceRoot, type SeedStep } from './seed-plan';
import { nodeArgsForSource } from '@iso20000/tool-dev/src/source-node';

export interface SeedOutcome {
  service: SeedStep['service'];
  status: 'done' | 'skipped' | 'failed';
  seconds: number;
  detail?: string;
}

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/** Runs one generator as a child process, its progress streamed to our terminal as it comes. */
/**
 * Progress lines while a generator runs, for logs (a terminal shows the generator's own bar): the
 * rows inserted into its progress table so far, from PostgreSQL's counters (pg_stat_user_tables,
 * cheap at any volume), their rate and, when the volume is known, the time left.
 */
export function watchProgress(
  step: SeedStep,
  log: (line: string) => void,
  everyMs = 15_000,
): () => Promise<void> {
  const { table, what } = PROGRESS_TABLES[step.service];
  const client = new Client({ connectionString: step.databaseUrl });
  const started = Date.now();
  let baseline: number | undefined;
  let stopped = false;
  const inserted = async () => {
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ n: string | null }>(
      'SELECT n_tup_ins::text AS n FROM pg_stat_user_tables WHERE relname = $1',
      [table],
    );
    return Number(rows[0]?.n ?? 0);
  };
  const ready = client.connect().then(async () => {
    baseline = await inserted();
  });
  ready.catch(() => undefined);
  const timer = setInterval(() => {
    void ready
      .then(async () => {
        if (stopped || baseline === undefined) return;
        const done = (await inserted()) - baseline;
        const seconds = (Date.now() - started) / 1000;
        const rate = done / seconds;
        const left =
          step.expected && rate > 0 && done < step.expected
            ? `, about ${Math.ceil((step.expected - done) / rate / 60)} min left`
            : '';
        const of = step.expected ? ` of ${step.expected.toLocaleString('en')}` : '';
        log(
          `[seed] ${step.service}: ${done.toLocaleString('en')}${of} ${what} after ${seconds.toFixed(0)} s (${Math.round(rate).toLocaleString('en')}/s${left})`,
        );
      })
      .catch(() => undefined);
  }, everyMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await client.end().catch(() => undefined);
  };
}

export function runSeedStep(
  step: SeedStep,
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<SeedOutcome> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const file = join(workspaceRoot, step.file);
  if (!existsSync(file)) {
    log(`[seed] ${step.service}: ${step.file} does not exist yet; skipped`);
    return Promise.resolve({
      service: step.service,
      status: 'skipped',
      seconds: 0,
      detail: `${step.file} missing`,
    });
  }
  log(`[seed] ${step.service}: ${step.file} ${step.args.join(' ')} (database ${redact(step.databaseUrl)})`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, nodeArgsForSource(file, step.args), {
      cwd: workspaceRoot,
      env: { ...process.env, ...step.env },
      stdio: 'inherit',
    });
    const stopWatching = process.stdout.isTTY ? async () => undefined : watchProgress(step, log);
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.once('SIGINT', forward);
    process.once('SIGTERM', forward);
    child.once('exit', (code, signal) => {
      void stopWatching();
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      const ok = code === 0;
      log(
        `[seed] ${step.service}: ${ok ? 'done' : `failed (${signal ?? `exit code ${code}`})`} in ${seconds().toFixed(1)} s`,
      );
      resolve({
        service: step.service,
        status: ok ? 'done' : 'failed',
        seconds: seconds(),
        detail: ok ? undefined : String(signal ?? code),
      });
    });
  });
}

export async function runSeed(steps: SeedStep[], log?: (line: string) => void): Promise<SeedOutcome[]> {
  const outcomes: SeedOutcome[] = [];
  // One after another: each generator already keeps PostgreSQL busy with multi-row batches.
  for (const step of steps) outcomes.push(await runSeedStep(step, log));
  return outcomes;
}
