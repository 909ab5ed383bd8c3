import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Client } from 'pg';
import { join } from 'node:path';
import type { Viewer } from '@iso20000/auth';
import {
  postGraphQL,
  TEST_AUTH_SECRET,
  testNatsUrl,
  testServerUrl,
  tokenFor,
  type OperationResult,
} from '@iso20000/testing';
import {
  DEFAULT_PORTS,
  SUBGRAPH_SERVICES,
  urlVariableOf,
  type SubgraphServiceName,
} from '@iso20000/topology';
import type { BusCredentials } from './bus-credentials';
import { workspaceRoot } from './infrastructure';
import { nodeArgsForSource } from './source-node';

/** The processes startSystem runs: the four subgraph services, then the gateway (then the public web, when asked). */
export type SystemProcess = SubgraphServiceName | 'gateway' | 'web';
const SYSTEM_PROCESSES: readonly SystemProcess[] = [...SUBGRAPH_SERVICES, 'gateway', 'web'];

export interface SystemOptions {
  /** PostgreSQL server URL; each service gets database `<databasePrefix>_<service>` on it. */
  databaseUrl?: string;
  natsUrl?: string;
  /** Each process's NATS user (NATS_USER / NATS_PASSWORD), for an authenticated bus; none: anonymous. */
  natsCredentials?: BusCredentials;
  /** AUTH_DEV_SECRET for every process (default: the tests' secret). */
  authSecret?: string;
  /** Events namespace (tests: unique per file, so concurrent systems never share streams). */
  namespace?: string;
  databasePrefix?: string;
  /** Fixed ports (npm start) or free ones chosen here (tests, the default). */
  ports?: 'default' | 'free';
  nodeEnv?: 'development' | 'test' | 'production';
  /**
   * How long a process may take to become ready. Migrations run at start, and on a seeded database
   * (a million sittings) a migration can take minutes; a process that exits is reported at once.
   */
  readyTimeoutMs?: number;
  /**
   * A process that dies after the system is up is restarted after this pause, doubled for each
   * further death (up to restartMaxMs) and reset once it has stayed up for a minute. Default 1 s.
   */
  restartBackoffMs?: number;
  restartMaxMs?: number;
  /** Where each line of every process goes, prefixed with its name. Default: kept, shown on failure. */
  onLog?: (name: string, line: string) => void;
  /** What the launcher itself has to say (a process died, restarted): printed by npm start. */
  onNotice?: (message: string) => void;
  /** Stops the start half-way (npm start interrupted while migrating): everything launched is stopped. */
  signal?: AbortSignal;
  extraEnv?: Record<string, string>;
  /** Also start the public web (services/web) once the gateway is ready; badges then name its address. */
  web?: boolean;
}

export interface RunningSystem {
  gatewayUrl: string;
  /** The public web's address, when started (option web). */
  webUrl?: string;
  urls: Record<SystemProcess, string>;
  namespace?: string;
  /** POSTs an operation to the gateway, with `Authorization: Bearer <token>` (or a full header value). */
  query<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<OperationResult<TData> & { status: number }>;
  /** A dev JWT for a person: token('candidate', { candidateId }), token('scheme_staff'). */
  token(role: Viewer['role'], ids?: { candidateId?: string; atoId?: string; name?: string }): Promise<string>;
  /** The process id of a running process (undefined while it is down). */
  pid(name: SystemProcess): number | undefined;
  /** Stops one process on purpose (it is not restarted), e.g. to test the system without it. */
  stopProcess(name: SystemProcess): Promise<void>;
  /** Starts a process stopped with stopProcess again and waits until it is ready. */
  startProcess(name: SystemProcess): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** startSystem stopped by its signal before everything was ready. */
export class StartInterrupted extends Error {}

async function waitReady(
  name: string,
  url: string,
  child: ChildProcess,
  recent: () => string,
  timeoutMs: number,
  signal?: AbortSignal,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (signal?.aborted) throw new StartInterrupted(`start of ${name} interrupted`);
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `${name} exited with ${child.exitCode !== null ? `code ${child.exitCode}` : child.signalCode} during start:\n${recent()}`,
      );
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`${name} was not ready at ${url} within ${timeoutMs / 1000} s:\n${recent()}`);
}

/** One process of the system: what it runs, and whether it should be running. */
interface Supervised {
  name: SystemProcess;
  entry: string;
  env: Record<string, string>;
  child?: ChildProcess;
  /** False once stopped on purpose (stopProcess, stop): its exit is then expected. */
  wanted: boolean;
  startedAt: number;
  deaths: number;
  restartTimer?: NodeJS.Timeout;
}

const STABLE_AFTER_MS = 60_000;

/**
 * Starts the four services and then the gateway as child processes, each waited on until ready, and
 * keeps them running: a process that dies is reported at once and restarted with backoff.
 */
export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const authSecret = options.authSecret ?? TEST_AUTH_SECRET;
  const readyTimeoutMs = options.readyTimeoutMs ?? 600_000;
  const restartBackoffMs = options.restartBackoffMs ?? 1_000;
  const restartMaxMs = options.restartMaxMs ?? 30_000;
  const logs: string[] = [];
  const recent = () => logs.slice(-60).join('\n');
  const keep = (line: string) => {
    logs.push(line);
    if (logs.length > 2000) logs.splice(0, 1000);
  };
  const onLog = options.onLog ?? ((name: string, line: string) => keep(`[${name}] ${line}`));
  const notice = options.onNotice ?? ((message: string) => keep(`[launcher] ${message}`));
  const ports = Object.fromEntries(SYSTEM_PROCESSES.map((name) => [name, DEFAULT_PORTS[name]])) as Record<
    SystemProcess,
    number
  >;
  if (options.ports !== 'default') {
    for (const name of SYSTEM_PROCESSES) ports[name] = await freePort();
  }
  const urls = Object.fromEntries(
    SYSTEM_PROCESSES.map((name) => [name, `http://127.0.0.1:${ports[name]}/graphql`]),
  ) as Record<SystemProcess, string>;
  const readyUrl = (name: SystemProcess) => urls[name].replace('/graphql', '/ready');
  const commonEnv: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: options.nodeEnv ?? 'development',
    NATS_URL: options.natsUrl ?? testNatsUrl(),
    AUTH_DEV_SECRET: authSecret,
    ...(options.namespace ? { EVENTS_NAMESPACE: options.namespace } : {}),
    ...options.extraEnv,
  };
  delete commonEnv.DATABASE_URL;
  delete commonEnv.PORT;

  const prefix = options.databasePrefix ?? options.namespace ?? 'iso20000';
  const serverUrl = options.databaseUrl ?? testServerUrl();
  const processes = new Map<SystemProcess, Supervised>();
  for (const name of SUBGRAPH_SERVICES)
    processes.set(name, {
      name,
      entry: join(workspaceRoot, 'services', name, 'src', 'main.ts'),
      env: {
        PORT: String(ports[name]),
        DATABASE_URL: databaseUrlFor(serverUrl, `${prefix}_${name}`),
        // The gateway runs beside them on loopback: its X-Forwarded-For names the client, in production
        // mode too, and nothing else on the network reaches them.
        SERVICE_TRUSTED_PROXIES: commonEnv.SERVICE_TRUSTED_PROXIES ?? '127.0.0.1,::1',
        HOST: commonEnv.HOST ?? '127.0.0.1',
      },
      wanted: true,
      startedAt: 0,
      deaths: 0,
    });
  processes.set('gateway', {
    name: 'gateway',
    entry: join(workspaceRoot, 'gateway', 'src', 'main.ts'),
    env: {
      PORT: String(ports.gateway),
      ...Object.fromEntries(SUBGRAPH_SERVICES.map((name) => [urlVariableOf(name), urls[name]])),
    },
    wanted: true,
    startedAt: 0,
    deaths: 0,
  });
  // Badges and credentials name the public web's pages, so the certificate service is told where it is.
  const webUrl = `http://localhost:${ports.web}`;
  if (options.web) {
    const publicBase = commonEnv.CERTIFICATE_PUBLIC_BASE_URL ?? webUrl;
    processes.get('certificate')!.env.CERTIFICATE_PUBLIC_BASE_URL = publicBase;
    // Signed registry records name the web's /registry/status-lists/... and JWKS the same way.
    processes.get('registry')!.env.REGISTRY_PUBLIC_BASE_URL =
      commonEnv.REGISTRY_PUBLIC_BASE_URL ?? publicBase;
    // The web runs beside the gateway and passes each visitor's address on: the gateway believes it
    // from there, so visitors have their own verification budgets rather than sharing the web's.
    processes.get('gateway')!.env.GATEWAY_TRUSTED_PROXIES =
      commonEnv.GATEWAY_TRUSTED_PROXIES ?? '127.0.0.1,::1';
    processes.set('web', {
      name: 'web',
      entry: join(workspaceRoot, 'services', 'web', 'src', 'main.ts'),
      env: { PORT: String(ports.web), GATEWAY_URL: urls.gateway, WEB_PUBLIC_BASE_URL: publicBase },
      wanted: true,
      startedAt: 0,
      deaths: 0,
    });
  }
  const supervised = (name: SystemProcess): Supervised => {
    const found = processes.get(name);
    if (!found) throw new Error(`no process ${name}`);
    return found;
  };

  let up = false;
  let stopping = false;

  const natsEnvOf = (name: SystemProcess): Record<string, string> => {
    const credentials = name === 'web' ? undefined : options.natsCredentials?.[name];
    return credentials ? { NATS_USER: credentials.user, NATS_PASSWORD: credentials.password } : {};
  };

  const launch = (proc: Supervised): ChildProcess => {
    const child = spawn(process.execPath, nodeArgsForSource(proc.entry), {
      cwd: workspaceRoot,
      env: { ...commonEnv, ...natsEnvOf(proc.name), ...proc.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line) onLog(proc.name, line);
      });
    }
    proc.child = child;
    proc.startedAt = Date.now();
    child.once('exit', (code, signal) => died(proc, child, code, signal));
    return child;
  };

  // A death during start is waitReady's to report (the start fails); after it, the launcher's.
  const died = (proc: Supervised, child: ChildProcess, code: number | null, signal: string | null) => {
    if (proc.child === child) proc.child = undefined;
    if (!up || stopping || !proc.wanted) return;
    if (Date.now() - proc.startedAt > STABLE_AFTER_MS) proc.deaths = 0;
    const delay = Math.min(restartMaxMs, restartBackoffMs * 2 ** proc.deaths);
    proc.deaths += 1;
    notice(
      `${proc.name} exited unexpectedly (${code !== null ? `code ${code}` : signal}); restarting it in ${delay / 1000} s`,
    );
    proc.restartTimer = setTimeout(() => {
      proc.restartTimer = undefined;
      if (stopping || !proc.wanted) return;
      const next = launch(proc);
      waitReady(proc.name, readyUrl(proc.name), next, recent, readyTimeoutMs).then(
        () => notice(`${proc.name} restarted (pid ${next.pid}) and ready`),
        // Died again: its exit schedules the next attempt. Still running: it hangs, say so.
        () => {
          if (next.exitCode === null && next.signalCode === null)
            notice(`${proc.name} (pid ${next.pid}) did not become ready after its restart`);
        },
      );
    }, delay);
  };

  const stopChild = (proc: Supervised) => {
    proc.wanted = false;
    clearTimeout(proc.restartTimer);
    proc.restartTimer = undefined;
    const child = proc.child;
    return new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  };
  // The gateway first, so no request reaches a subgraph that is already draining.
  const stop = async () => {
    stopping = true;
    if (processes.has('web')) await stopChild(supervised('web'));
    await stopChild(supervised('gateway'));
    await Promise.all(SUBGRAPH_SERVICES.map((name) => stopChild(supervised(name))));
  };
  const stopAndClean = async () => {
    await stop();
    // A test system's databases are throwaway: named after its namespace, dropped with it.
    if (!options.databasePrefix && options.namespace) {
      const client = new Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
      await client.connect();
      try {
        for (const name of SUBGRAPH_SERVICES)
          await client.query(`DROP DATABASE IF EXISTS "${prefix}_${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    }
  };

  const start = (proc: Supervised) =>
    waitReady(proc.name, readyUrl(proc.name), launch(proc), recent, readyTimeoutMs, options.signal);
  try {
    await Promise.all(SUBGRAPH_SERVICES.map((name) => start(supervised(name))));
    await start(supervised('gateway'));
    if (processes.has('web')) await start(supervised('web'));
  } catch (error) {
    await stopAndClean();
    throw error;
  }
  up = true;
  return {
    gatewayUrl: urls.gateway,
    ...(options.web ? { webUrl } : {}),
    urls,
    namespace: options.namespace,
    query: (query, variables, token) =>
      postGraphQL(
        urls.gateway,
        { query, variables },
        token ? { authorization: token.includes(' ') ? token : `Bearer ${token}` } : {},
      ),
    token: (role, ids = {}) =>
      tokenFor({ role, subject: `${role}-${ids.candidateId ?? ids.atoId ?? 'e2e'}`, ...ids }, authSecret),
    pid: (name) => supervised(name).child?.pid,
    stopProcess: (name) => stopChild(supervised(name)),
    startProcess: async (name) => {
      const proc = supervised(name);
      if (proc.child) return;
      clearTimeout(proc.restartTimer);
      proc.restartTimer = undefined;
      proc.wanted = true;
      proc.deaths = 0;
      await waitReady(name, readyUrl(name), launch(proc), recent, readyTimeoutMs);
    },
    stop: stopAndClean,
  };
}
