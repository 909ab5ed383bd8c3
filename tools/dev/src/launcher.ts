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
import { workspaceRoot } from './infrastructure';

export const SERVICES = ['exam', 'accreditation', 'certificate', 'registry'] as const;
export type ServiceName = (typeof SERVICES)[number];
export const DEFAULT_PORTS: Record<ServiceName | 'gateway', number> = {
  gateway: 4000,
  exam: 4001,
  accreditation: 4002,
  certificate: 4003,
  registry: 4004,
};

export interface SystemOptions {
  /** PostgreSQL server URL; each service gets database `<databasePrefix>_<service>` on it. */
  databaseUrl?: string;
  natsUrl?: string;
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
  /** Where each line of every process goes, prefixed with its name. Default: kept, shown on failure. */
  onLog?: (name: string, line: string) => void;
  extraEnv?: Record<string, string>;
}

export interface RunningSystem {
  gatewayUrl: string;
  urls: Record<ServiceName | 'gateway', string>;
  namespace?: string;
  /** POSTs an operation to the gateway, with `Authorization: Bearer <token>` (or a full header value). */
  query<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<OperationResult<TData> & { status: number }>;
  /** A dev JWT for a person: token('candidate', { candidateId }), token('scheme_staff'). */
  token(role: Viewer['role'], ids?: { candidateId?: string; atoId?: string; name?: string }): Promise<string>;
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

async function waitReady(
  name: string,
  url: string,
  child: ChildProcess,
  recent: () => string,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with code ${child.exitCode} during start:\n${recent()}`);
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

/** Starts the four services and then the gateway as child processes, each waited on until ready. */
export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const authSecret = options.authSecret ?? TEST_AUTH_SECRET;
  const readyTimeoutMs = options.readyTimeoutMs ?? 600_000;
  const children: Array<{ name: string; child: ChildProcess }> = [];
  const logs: string[] = [];
  const recent = () => logs.slice(-60).join('\n');
  const onLog =
    options.onLog ??
    ((name: string, line: string) => {
      logs.push(`[${name}] ${line}`);
      if (logs.length > 2000) logs.splice(0, 1000);
    });
  const ports: Record<ServiceName | 'gateway', number> = { ...DEFAULT_PORTS };
  if (options.ports !== 'default') {
    for (const name of Object.keys(ports) as Array<ServiceName | 'gateway'>) ports[name] = await freePort();
  }
  const urls = Object.fromEntries(
    Object.entries(ports).map(([name, port]) => [name, `http://127.0.0.1:${port}/graphql`]),
  ) as Record<ServiceName | 'gateway', string>;
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

  const launch = (name: string, entry: string, env: Record<string, string>) => {
    const child = spawn(process.execPath, ['-r', require.resolve('@swc-node/register'), entry], {
      cwd: workspaceRoot,
      env: { ...commonEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line) onLog(name, line);
      });
    }
    children.push({ name, child });
    return child;
  };

  const stopChild = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  // The gateway first, so no request reaches a subgraph that is already draining.
  const stop = async () => {
    await Promise.all(children.filter(({ name }) => name === 'gateway').map(({ child }) => stopChild(child)));
    await Promise.all(children.filter(({ name }) => name !== 'gateway').map(({ child }) => stopChild(child)));
  };

  const prefix = options.databasePrefix ?? options.namespace ?? 'iso20000';
  const serverUrl = options.databaseUrl ?? testServerUrl();
  const stopAndClean = async () => {
    await stop();
    // A test system's databases are throwaway: named after its namespace, dropped with it.
    if (!options.databasePrefix && options.namespace) {
      const client = new Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
      await client.connect();
      try {
        for (const name of SERVICES)
          await client.query(`DROP DATABASE IF EXISTS "${prefix}_${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    }
  };
  try {
    await Promise.all(
      SERVICES.map((name) => {
        const child = launch(name, join(workspaceRoot, 'services', name, 'src', 'main.ts'), {
          PORT: String(ports[name]),
          DATABASE_URL: databaseUrlFor(serverUrl, `${prefix}_${name}`),
        });
        return waitReady(name, urls[name].replace('/graphql', '/ready'), child, recent, readyTimeoutMs);
      }),
    );
    const gateway = launch('gateway', join(workspaceRoot, 'gateway', 'src', 'main.ts'), {
      PORT: String(ports.gateway),
      EXAM_URL: urls.exam,
      ACCREDITATION_URL: urls.accreditation,
      CERTIFICATE_URL: urls.certificate,
      REGISTRY_URL: urls.registry,
    });
    await waitReady('gateway', urls.gateway.replace('/graphql', '/ready'), gateway, recent, readyTimeoutMs);
  } catch (error) {
    await stopAndClean();
    throw error;
  }
  return {
    gatewayUrl: urls.gateway,
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
    stop: stopAndClean,
  };
}
