import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeSupergraph } from '@iso20000/tool-compose/src/compose';
import { freePort, startSystem, type RunningSystem } from '@iso20000/tool-dev/src/launcher';
import { workspaceRoot } from '@iso20000/tool-dev/src/infrastructure';
import { DEFAULT_PORTS, SUBGRAPH_SERVICES, type SubgraphServiceName } from '@iso20000/topology';
import type { Log } from './log';
import { migrateBenchDatabases } from './migrate';
import {
  certificateSigningKeyPem,
  createTokenSigner,
  generateBenchKeys,
  serveJwks,
  type BenchKeys,
  type JwksServer,
  type PersonClaims,
} from './tokens';

export interface BenchSystemOptions {
  databaseUrl: string;
  natsUrl: string;
  databasePrefix: string;
  /** Gateway processes for ours and for Hive alike. */
  workers: number;
  nodeEnv: 'production' | 'development';
  /** Extra environment for our gateway (tuning experiments), e.g. GATEWAY_QUERY_PLAN_CACHE_MIB. */
  gatewayEnv: Record<string, string>;
  withHive: boolean;
  log: Log;
}

export interface BenchSystem {
  urls: Record<SubgraphServiceName | 'gateway' | 'hive', string>;
  keys: BenchKeys;
  /** `Bearer <fresh JWT>` for a person. */
  bearer(claims: PersonClaims): string;
  /** Process ids whose trees are measured for CPU share. */
  pids: Record<string, number>;
  databases: string[];
  system: RunningSystem;
  stop(): Promise<void>;
}

/** Our own children whose command line runs `entry` (the launcher does not hand out its pids). */
async function waitForGraphQL(url: string, child: ChildProcess, timeoutMs: number, recent: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}:\n${recent()}`);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      });
      if (response.ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`not ready at ${url} within ${timeoutMs / 1000} s:\n${recent()}`);
}

/**
 * Everything measured, started here: the four services and our gateway (the dev launcher), and Hive
 * Gateway on the same supergraph. Tokens come from the bench's own key set, served as a JWKS on
 * loopback, so every process runs as in production.
 */
export async function startBenchSystem(options: BenchSystemOptions): Promise<BenchSystem> {
  const { log } = options;
  const composed = composeSupergraph();
  if (!composed.ok)
    throw new Error(`the supergraph does not compose yet:\n  ${composed.errors.join('\n  ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'iso20000-bench-'));
  const supergraphPath = join(dir, 'supergraph.graphql');
  writeFileSync(supergraphPath, composed.supergraphSdl);

  const keys = generateBenchKeys();
  const jwks: JwksServer = await serveJwks(keys);
  const logs: string[] = [];
  const remember = (name: string, line: string) => {
    logs.push(`[${name}] ${line}`);
    if (logs.length > 2000) logs.splice(0, 1000);
    // Warnings and errors are worth seeing while it runs; the rest stays quiet.
    if (/"level":(40|50|60)|\bERROR\b|\bWARN\b|Error:/.test(line)) log(`  [${name}] ${line.slice(0, 300)}`);
  };
  const recent = () => logs.slice(-40).join('\n');

  log("migrating the bench databases (each service alone, without the launcher's 60 s limit)");
  await migrateBenchDatabases(options, log);
  log(
    `starting the four services and our gateway (NODE_ENV=${options.nodeEnv}, ${options.workers} gateway worker(s))`,
  );
  let system: RunningSystem;
  try {
    system = await startSystem({
      databaseUrl: options.databaseUrl,
      natsUrl: options.natsUrl,
      namespace: `${options.databasePrefix}`,
      databasePrefix: options.databasePrefix,
      ports: 'free',
      nodeEnv: options.nodeEnv,
      onLog: remember,
      extraEnv: {
        LOG_LEVEL: 'warn',
        AUTH_JWKS_URL: jwks.url,
        CERTIFICATE_SIGNING_KEY: certificateSigningKeyPem(),
        // Verification and applications are rate-limited per client; every bench request comes from 127.0.0.1.
        VERIFY_RATE_LIMIT_BURST: '1000000000',
        VERIFY_RATE_LIMIT_PER_MINUTE: '1000000000',
        APPLICATION_RATE_LIMIT_BURST: '1000000000',
        APPLICATION_RATE_LIMIT_PER_MINUTE: '1000000000',
        SUPERGRAPH_PATH: supergraphPath,
        GATEWAY_WORKERS: String(options.workers),
        ...options.gatewayEnv,
      },
    });
  } catch (error) {
    await jwks.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const pids: Record<string, number> = {};
  for (const name of [...SUBGRAPH_SERVICES, 'gateway'] as const) {
    const pid = system.pid(name);
    if (pid) pids[name] = pid;
  }

  let hive: ChildProcess | undefined;
  let hiveUrl = '';
  if (options.withHive) {
    // The same supergraph, pointed at the subgraphs' actual ports.
    let hiveSdl = composed.supergraphSdl;
    for (const service of SUBGRAPH_SERVICES)
      hiveSdl = hiveSdl.replaceAll(
        `http://127.0.0.1:${DEFAULT_PORTS[service]}/graphql`,
        system.urls[service],
      );
    const hivePath = join(dir, 'supergraph-hive.graphql');
    writeFileSync(hivePath, hiveSdl);
    const port = await freePort();
    hiveUrl = `http://127.0.0.1:${port}/graphql`;
    log(`starting Hive Gateway (${options.workers} worker(s))`);
    hive = spawn(
      process.execPath,
      ['-r', require.resolve('@swc-node/register'), join(__dirname, 'contenders', 'hive-gateway-main.ts')],
      {
        cwd: workspaceRoot,
        env: {
          ...process.env,
          NODE_ENV: options.nodeEnv,
          PORT: String(port),
          HIVE_SUPERGRAPH_PATH: hivePath,
          HIVE_WORKERS: String(options.workers),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    for (const stream of [hive.stdout, hive.stderr])
      stream?.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) if (line) remember('hive', line);
      });
    try {
      await waitForGraphQL(hiveUrl, hive, 60_000, recent);
    } catch (error) {
      hive.kill('SIGKILL');
      await system.stop();
      await jwks.close();
      throw new Error(
        `Hive Gateway did not start: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (hive.pid) pids.hive = hive.pid;
  }

  const signToken = createTokenSigner(keys);
  return {
    urls: { ...system.urls, hive: hiveUrl },
    keys,
    bearer: (claims) => `Bearer ${signToken(claims)}`,
    pids,
    databases: SUBGRAPH_SERVICES.map((service) => `${options.databasePrefix}_${service}`),
    system,
    stop: async () => {
      if (hive && hive.exitCode === null) {
        const exited = new Promise((resolve) => hive?.once('exit', resolve));
        hive.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        if (hive.exitCode === null) hive.kill('SIGKILL');
      }
      await system.stop();
      await jwks.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
