import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeSupergraph, subgraphSdl } from '@iso20000/tool-compose/src/compose';
import { freePort, startSystem, type RunningSystem } from '@iso20000/tool-dev/src/launcher';
import { workspaceRoot } from '@iso20000/tool-dev/src/infrastructure';
import {
  DEFAULT_PORTS,
  SUBGRAPH_SERVICES,
  urlVariableOf,
  type SubgraphServiceName,
} from '@iso20000/topology';
import type { Log } from './log';
import { migrateBenchDatabases } from './migrate';
import type { BenchNats } from './nats';
import type { Contender, GatewayContender } from './scenarios';
import {
  BENCH_AUDIENCE,
  BENCH_ISSUER,
  certificateSigningKeyPem,
  createTokenSigner,
  generateBenchKeys,
  serveJwks,
  type BenchKeys,
  type JwksServer,
  type PersonClaims,
} from './tokens';
import { nodeArgsForSource } from '@iso20000/tool-dev/src/source-node';

export interface BenchSystemOptions {
  databaseUrl: string;
  /** The bench's own bus (users per process, as in production). */
  nats: Pick<BenchNats, 'url' | 'credentials' | 'consumersCaughtUp'>;
  databasePrefix: string;
  /** Gateway processes for every contender alike. */
  workers: number;
  nodeEnv: 'production' | 'development';
  /** Extra environment for our gateways (tuning experiments), e.g. GATEWAY_QUERY_PLAN_CACHE_MIB. */
  gatewayEnv: Record<string, string>;
  /** Writes V8 CPU profiles of the ours-planned gateway's processes (each worker) into this directory. */
  cpuProfileDir?: string;
  /** A checkout of an earlier commit whose gateway runs as the contenders before and before-planned. */
  beforeTree?: string;
  /** The gateways to start beside ours ('ours' always runs: fixtures are made through it). */
  contenders: readonly Contender[];
  log: Log;
}

export interface BenchSystem {
  /** Every subgraph's and every running gateway's GraphQL URL. */
  urls: Partial<Record<SubgraphServiceName | GatewayContender, string>> & { gateway: string };
  keys: BenchKeys;
  /** `Bearer <fresh JWT>` for a person. */
  bearer(claims: PersonClaims): string;
  /** Process ids whose trees are measured for CPU (the subgraphs and each gateway). */
  pids: Record<string, number>;
  databases: string[];
  /** Resolves when every event consumer has caught up; the messages still pending if it gave up. */
  consumersCaughtUp(timeoutMs?: number): Promise<number>;
  /** Gateways that were asked for and could not start, with the reason (reported, not fatal). */
  unavailable: Partial<Record<GatewayContender, string>>;
  system: RunningSystem;
  stop(): Promise<void>;
}

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

interface ContenderProcess {
  child: ChildProcess;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 10_000))]).then(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
}

/**
 * Everything measured, started here: the four services and our gateway (the dev launcher), then the
 * other gateways on the same supergraph and subgraph processes: ours with the single-subgraph
 * routes off (every request planned), Hive Gateway with its Rust planner and with its JavaScript
 * one, and grafbase dev. Tokens come from the bench's own key set, served as a JWKS on loopback, so
 * every process runs as in production.
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
  await migrateBenchDatabases(
    {
      databaseUrl: options.databaseUrl,
      natsUrl: options.nats.url,
      natsCredentials: options.nats.credentials,
      databasePrefix: options.databasePrefix,
    },
    log,
  );
  log(
    `starting the services and our gateway (NODE_ENV=${options.nodeEnv}, ${options.workers} gateway worker(s))`,
  );
  const serviceEnv = {
    LOG_LEVEL: 'warn',
    AUTH_JWKS_URL: jwks.url,
    AUTH_ISSUER: BENCH_ISSUER,
    AUTH_AUDIENCE: BENCH_AUDIENCE,
    CERTIFICATE_SIGNING_KEY: certificateSigningKeyPem(),
    // The registry signs verification answers with a key of its own; production refuses to start without it.
    REGISTRY_SIGNING_KEY: certificateSigningKeyPem(),
    // Notifications encrypts webhook secrets with it; production refuses to start without one.
    WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64'),
    // Verification and applications are rate-limited per client; every bench request comes from 127.0.0.1.
    VERIFY_RATE_LIMIT_BURST: '1000000000',
    VERIFY_RATE_LIMIT_PER_MINUTE: '1000000000',
    APPLICATION_RATE_LIMIT_BURST: '1000000000',
    APPLICATION_RATE_LIMIT_PER_MINUTE: '1000000000',
  };
  const gatewayEnv = {
    SUPERGRAPH_PATH: supergraphPath,
    GATEWAY_WORKERS: String(options.workers),
    ...options.gatewayEnv,
  };
  let system: RunningSystem;
  try {
    system = await startSystem({
      databaseUrl: options.databaseUrl,
      natsUrl: options.nats.url,
      natsCredentials: options.nats.credentials,
      namespace: `${options.databasePrefix}`,
      databasePrefix: options.databasePrefix,
      ports: 'free',
      nodeEnv: options.nodeEnv,
      onLog: remember,
      extraEnv: { ...serviceEnv, ...gatewayEnv },
    });
  } catch (error) {
    await jwks.close();
    rmSync(dir, { recursive: true, force: true });
    // The launcher's own account is empty when the logs come here: add ours.
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${recent()}`);
  }

  const pids: Record<string, number> = {};
  for (const name of [...SUBGRAPH_SERVICES, 'gateway'] as const) {
    const pid = system.pid(name);
    if (pid) pids[name === 'gateway' ? 'ours' : name] = pid;
  }
  const urls: BenchSystem['urls'] = { gateway: system.urls.gateway, ours: system.urls.gateway };
  for (const service of SUBGRAPH_SERVICES) urls[service] = system.urls[service];

  const running = new Map<GatewayContender, ContenderProcess>();
  const unavailable: BenchSystem['unavailable'] = {};
  const spawnContender = async (
    name: GatewayContender,
    command: string,
    args: string[],
    env: Record<string, string>,
    port: number,
    cwd = workspaceRoot,
  ) => {
    const url = `http://127.0.0.1:${port}/graphql`;
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NODE_ENV: options.nodeEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr])
      stream?.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) if (line) remember(name, line);
      });
    try {
      await waitForGraphQL(url, child, 90_000, recent);
    } catch (error) {
      await stopChild(child);
      const reason = error instanceof Error ? error.message : String(error);
      unavailable[name] = reason.split('\n').slice(0, 12).join('\n');
      log(`  ${name} did not start: ${reason.slice(0, 2000)}`);
      return;
    }
    running.set(name, { child, stop: () => stopChild(child) });
    if (child.pid) pids[name] = child.pid;
    urls[name] = url;
  };
  const node = (entry: string) => nodeArgsForSource(entry);

  // The same supergraph, pointed at the subgraphs' actual ports (Hive reads the URLs from it).
  let pointedSdl = composed.supergraphSdl;
  for (const service of SUBGRAPH_SERVICES)
    pointedSdl = pointedSdl.replaceAll(
      `http://127.0.0.1:${DEFAULT_PORTS[service]}/graphql`,
      system.urls[service],
    );
  const pointedPath = join(dir, 'supergraph-pointed.graphql');
  writeFileSync(pointedPath, pointedSdl);

  try {
    // Our gateway again beside the launcher's: routes off, and (--before) an earlier commit's gateway
    // from its own checkout, with and without routes, on the same subgraphs and environment.
    const ourGateway = async (
      name: 'ours-planned' | 'ours-apollo' | 'before' | 'before-planned',
      root: string,
      switches: { GATEWAY_SUBGRAPH_ROUTES: string; GATEWAY_COMPILED_PLANS?: string },
      profile: boolean,
    ) => {
      const port = await freePort();
      await spawnContender(
        name,
        process.execPath,
        [
          ...(profile && options.cpuProfileDir
            ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`]
            : []),
          ...node(join(root, 'gateway', 'src', 'main.ts')),
        ],
        {
          ...serviceEnv,
          ...gatewayEnv,
          ...switches,
          PORT: String(port),
          NATS_URL: options.nats.url,
          NATS_USER: options.nats.credentials.gateway.user,
          NATS_PASSWORD: options.nats.credentials.gateway.password,
          EVENTS_NAMESPACE: options.databasePrefix,
          ...Object.fromEntries(
            SUBGRAPH_SERVICES.map((service) => [urlVariableOf(service), system.urls[service]]),
          ),
        },
        port,
        root,
      );
    };
    if (options.contenders.includes('ours-planned')) {
      log('starting our gateway again with the single-subgraph routes off (every request planned)');
      await ourGateway('ours-planned', workspaceRoot, { GATEWAY_SUBGRAPH_ROUTES: 'false' }, true);
    }
    if (options.contenders.includes('ours-apollo')) {
      log("starting our gateway again with routes and compiled plans off (Apollo Gateway's executor)");
      const off = { GATEWAY_SUBGRAPH_ROUTES: 'false', GATEWAY_COMPILED_PLANS: 'false' };
      await ourGateway('ours-apollo', workspaceRoot, off, false);
    }
    for (const [name, routes] of [
      ['before', true],
      ['before-planned', false],
    ] as const) {
      if (!options.contenders.includes(name)) continue;
      if (!options.beforeTree) throw new Error(`contender ${name} needs --before DIR`);
      log(`starting the gateway of ${options.beforeTree} (routes ${routes ? 'on' : 'off'})`);
      await ourGateway(name, options.beforeTree, { GATEWAY_SUBGRAPH_ROUTES: String(routes) }, false);
    }
    for (const [name, planner] of [
      ['hive-rust', 'rust'],
      ['hive', 'js'],
    ] as const) {
      if (!options.contenders.includes(name)) continue;
      log(
        `starting Hive Gateway, ${planner === 'rust' ? 'Rust' : 'JavaScript'} planner (${options.workers} worker(s))`,
      );
      const port = await freePort();
      await spawnContender(
        name,
        process.execPath,
        node(join(__dirname, 'contenders', 'hive-gateway-main.ts')),
        {
          PORT: String(port),
          HIVE_SUPERGRAPH_PATH: pointedPath,
          HIVE_WORKERS: String(options.workers),
          HIVE_PLANNER: planner,
        },
        port,
      );
    }
    if (options.contenders.includes('grafbase')) {
      log('starting grafbase dev on the same subgraphs');
      const port = await freePort();
      const config = grafbaseConfig(dir, system.urls);
      await spawnContender(
        'grafbase',
        grafbaseBinary(),
        ['dev', '--config', config, '--listen-address', `127.0.0.1:${port}`],
        { GRAFBASE_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: '1', HOME: join(dir, 'grafbase-home') },
        port,
      );
    }
  } catch (error) {
    await Promise.all([...running.values()].map((process) => process.stop()));
    await system.stop();
    await jwks.close();
    throw error;
  }

  const signToken = createTokenSigner(keys);
  return {
    urls,
    keys,
    bearer: (claims) => `Bearer ${signToken(claims)}`,
    pids,
    databases: SUBGRAPH_SERVICES.map((service) => `${options.databasePrefix}_${service}`),
    unavailable,
    consumersCaughtUp: (timeoutMs) => options.nats.consumersCaughtUp(timeoutMs),
    system,
    stop: async () => {
      await Promise.all([...running.values()].map((process) => process.stop()));
      await system.stop();
      await jwks.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function grafbaseBinary(): string {
  return join(require.resolve('@grafbase/cli-x86_64-unknown-linux-musl/package.json'), '..', 'grafbase');
}

/**
 * grafbase dev composes the subgraphs' own schemas itself (it takes no Apollo supergraph): the same
 * SDL files our composition reads, at the running subgraphs' URLs, forwarding the credential and the
 * request id as the other gateways do.
 */
function grafbaseConfig(dir: string, subgraphUrls: Record<string, string>): string {
  const schemas = join(dir, 'grafbase-schemas');
  mkdirSync(schemas, { recursive: true });
  mkdirSync(join(dir, 'grafbase-home'), { recursive: true });
  const lines = [
    '[graph]',
    'introspection = false',
    '',
    '[[headers]]',
    'rule = "forward"',
    'name = "authorization"',
    '',
    '[[headers]]',
    'rule = "forward"',
    'name = "x-request-id"',
    '',
  ];
  for (const service of SUBGRAPH_SERVICES) {
    const path = join(schemas, `${service}.graphql`);
    writeFileSync(path, subgraphSdl(workspaceRoot, service));
    lines.push(`[subgraphs.${service}]`, `url = "${subgraphUrls[service]}"`, `schema_path = "${path}"`, '');
  }
  const file = join(dir, 'grafbase.toml');
  writeFileSync(file, lines.join('\n'));
  return file;
}
