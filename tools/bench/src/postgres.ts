import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '@iso20000/tool-dev/src/launcher';
import type { Log } from './log';

/**
 * The bench's own PostgreSQL server: the machine's PostgreSQL binaries, a data directory kept between
 * runs (seeded volumes survive), a free port, and pg_stat_statements preloaded so SQL per request is
 * counted per statement. Nobody else's tests run on it, and its settings are the bench's to state.
 */
export interface BenchPostgres {
  /** Server URL (database path /postgres). */
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** Server settings, stated so figures can be compared across machines (README). */
export const BENCH_POSTGRES_SETTINGS: Record<string, string> = {
  shared_preload_libraries: 'pg_stat_statements',
  // Only what clients send (a statement inside a function is not the service's round trip).
  'pg_stat_statements.track': 'top',
  'pg_stat_statements.max': '10000',
  'pg_stat_statements.track_utility': 'on',
  max_connections: '400',
  shared_buffers: '1GB',
  maintenance_work_mem: '512MB',
  max_wal_size: '8GB',
  listen_addresses: '127.0.0.1',
};

/** The newest PostgreSQL server binaries on the machine (PG_BIN overrides). */
export function postgresBinDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PG_BIN) return env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((version) => existsSync(join(root, version, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length)
    throw new Error(`no PostgreSQL server binaries under ${root}: install postgresql or set PG_BIN`);
  return join(root, versions[0], 'bin');
}

/** PostgreSQL refuses to run as root: as root, the server runs as the system's postgres user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) throw new Error('running as root, but there is no postgres user to run the server as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function run(
  command: string,
  args: string[],
  user: { uid: number; gid: number } | undefined,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...(user ?? {}), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} exited with ${code}:\n${output}`)),
    );
  });
}

/**
 * One bench per data directory: a lock file naming the holder's pid. A lock whose process is gone is
 * stale and taken over; a live one refuses, naming the way out.
 */
export function lockDataDir(dataDir: string, what: string): () => void {
  const lockFile = `${dataDir}.lock`;
  mkdirSync(dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder))
        throw new Error(
          `another bench (pid ${holder}) is using ${what} (${lockFile}); wait for it, or pass another --database-prefix`,
        );
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`could not lock ${lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function startBenchPostgres(options: { dataDir: string; log: Log }): Promise<BenchPostgres> {
  const { dataDir, log } = options;
  const bin = postgresBinDir();
  const user = serverUser();
  // Every parent must be traversable by the server's user.
  mkdirSync(dirname(dataDir), { recursive: true, mode: 0o755 });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`initialising the bench's PostgreSQL data directory ${dataDir}`);
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { mode: 0o700 });
    if (user) chownSync(dataDir, user.uid, user.gid);
    await run(
      join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'],
      user,
    );
  }
  // A server left running by a bench that was killed holds the directory: stop it first.
  const pidFile = join(dataDir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const stale = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (Number.isInteger(stale) && stale > 0 && isAlive(stale)) {
      log(`stopping the bench PostgreSQL a previous bench left running (pid ${stale})`);
      process.kill(stale, 'SIGINT');
      for (let i = 0; i < 100 && isAlive(stale); i += 1) await sleep(100);
    }
  }
  const port = await freePort();
  const settings = Object.entries({ ...BENCH_POSTGRES_SETTINGS, unix_socket_directories: dataDir }).flatMap(
    ([name, value]) => ['-c', `${name}=${value}`],
  );
  const server: ChildProcess = spawn(
    join(bin, 'postgres'),
    ['-D', dataDir, '-p', String(port), ...settings],
    {
      ...(user ?? {}),
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let output = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (server.exitCode !== null)
      throw new Error(`the bench PostgreSQL exited (${server.exitCode}):\n${output}`);
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        server.kill('SIGKILL');
        throw new Error(
          `the bench PostgreSQL did not accept connections within 120 s: ${String(error)}\n${output}`,
        );
      }
      await sleep(200);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  log(`bench PostgreSQL on port ${port} (${dataDir}, ${bin})`);
  return {
    url,
    dataDir,
    stop: async () => {
      if (server.exitCode !== null) return;
      const exited = new Promise((resolve) => server.once('exit', resolve));
      // Fast shutdown: sessions end, data stays.
      server.kill('SIGINT');
      await Promise.race([exited, sleep(30_000)]);
      if (server.exitCode === null) server.kill('SIGKILL');
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
