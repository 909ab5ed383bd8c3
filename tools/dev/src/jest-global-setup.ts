import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInfrastructure, workspaceRoot, type Infrastructure } from './infrastructure';

// Jest's global setup for every project (jest.preset.js): `npx nx test <project>` and a bare
// `npx jest` find PostgreSQL and NATS by the same rules as `npm test` (which has already found them
// and says so through TEST_DATABASE_URL and TEST_NATS_URL, so nothing happens twice).
//
// Nx runs projects' tests in parallel processes: one at a time decides (a lock), so only one starts
// an embedded PostgreSQL or a nats-server and the others use it; every run registers itself, and the
// run that started them stops them only when no other registered run is still alive.

const key = Symbol.for('iso20000.testInfrastructure');
type WithInfrastructure = typeof globalThis & { [key]?: Infrastructure };
const runsDir = join(workspaceRoot, '.data', 'test-runs');
const lockDir = join(workspaceRoot, '.data', 'test-runs.lock');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      // A lock left by a killed run is broken after two minutes.
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > 120_000)
          rmSync(lockDir, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      if (Date.now() > deadline) throw new Error(`could not take ${lockDir} within 2 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function otherRunsAlive(): boolean {
  let others = false;
  for (const name of readdirSync(runsDir)) {
    const pid = Number(name);
    if (pid === process.pid) continue;
    if (alive(pid)) others = true;
    else rmSync(join(runsDir, name), { force: true });
  }
  return others;
}

export default async function findTestInfrastructure(): Promise<void> {
  if (process.env.TEST_DATABASE_URL && process.env.TEST_NATS_URL) return;
  mkdirSync(runsDir, { recursive: true });
  const infrastructure = await withLock(async () => {
    writeFileSync(join(runsDir, String(process.pid)), '');
    return ensureInfrastructure((message) => process.stderr.write(`[test] ${message}\n`));
  });
  process.env.TEST_DATABASE_URL = infrastructure.databaseUrl;
  process.env.TEST_NATS_URL = infrastructure.natsUrl;
  (globalThis as WithInfrastructure)[key] = infrastructure;
}

/** Stops what the setup started, once no other run uses it; nothing when it found them running. */
export async function stopTestInfrastructure(): Promise<void> {
  const holder = globalThis as WithInfrastructure;
  const infrastructure = holder[key];
  if (!infrastructure) return;
  delete holder[key];
  rmSync(join(runsDir, String(process.pid)), { force: true });
  if (!infrastructure.started) return;
  // Under the lock, so no run starts using it between the check and the stop.
  for (;;) {
    const stopped = await withLock(async () => {
      if (otherRunsAlive()) return false;
      await infrastructure.stop();
      return true;
    });
    if (stopped) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
