import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot, type SeedStep } from './seed-plan';

export interface SeedOutcome {
  service: SeedStep['service'];
  status: 'done' | 'skipped' | 'failed';
  seconds: number;
  detail?: string;
}

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/** Runs one generator as a child process, its progress streamed to our terminal as it comes. */
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
    const child = spawn(process.execPath, ['-r', require.resolve('@swc-node/register'), file, ...step.args], {
      cwd: workspaceRoot,
      env: { ...process.env, ...step.env },
      stdio: 'inherit',
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.once('SIGINT', forward);
    process.once('SIGTERM', forward);
    child.once('exit', (code, signal) => {
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
