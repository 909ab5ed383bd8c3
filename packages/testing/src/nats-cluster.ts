import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, freePort, NATS_SERVER } from './nats-server';

export interface NatsClusterNode {
  /** The server's name (`server_name`), as JetStream names a stream's leader and replicas. */
  name: string;
  port: number;
  routePort: number;
  storeDir: string;
  url: string;
}

export interface NatsClusterOptions {
  /** Servers in the cluster (default 3). */
  size?: number;
  /**
   * A server's configuration as JSON text (e.g. events' busServerConfig with the bus users); it must
   * set host 127.0.0.1, the port and the JetStream store it is given. The cluster block is added here.
   */
  config?: (port: number, storeDir: string) => string;
  /** Added to every server's environment. */
  env?: Record<string, string>;
}

/**
 * A JetStream cluster of nats-servers on loopback free ports (routes between them on free ports too),
 * for tests and drills that lose a node: kill(name) is a SIGKILL, restart(name) brings the node back
 * on its port and store, so it rejoins and catches up as a restarted server would.
 */
export class NatsCluster {
  private readonly processes = new Map<string, ChildProcess>();

  private constructor(
    readonly nodes: readonly NatsClusterNode[],
    private readonly configFiles: ReadonlyMap<string, string>,
    private readonly root: string,
    private readonly env: Record<string, string>,
  ) {}

  static async start(options: NatsClusterOptions = {}): Promise<NatsCluster> {
    const size = options.size ?? 3;
    const root = await mkdtemp(join(tmpdir(), 'test-nats-cluster-'));
    const nodes: NatsClusterNode[] = [];
    for (let i = 1; i <= size; i++) {
      const port = await freePort();
      nodes.push({
        name: `n${i}`,
        port,
        routePort: await freePort(),
        storeDir: join(root, `n${i}`, 'jetstream'),
        url: `nats://127.0.0.1:${port}`,
      });
    }
    const routes = nodes.map((n) => `nats://127.0.0.1:${n.routePort}`);
    const configFiles = new Map<string, string>();
    for (const node of nodes) {
      const base = options.config
        ? (JSON.parse(options.config(node.port, node.storeDir)) as Record<string, unknown>)
        : { host: '127.0.0.1', port: node.port, jetstream: { store_dir: node.storeDir } };
      const config = {
        ...base,
        server_name: node.name,
        cluster: { name: 'c1', host: '127.0.0.1', port: node.routePort, routes },
      };
      const file = join(root, `${node.name}.conf`);
      await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
      configFiles.set(node.name, file);
    }
    const cluster = new NatsCluster(nodes, configFiles, root, options.env ?? {});
    await Promise.all(nodes.map((node) => cluster.restart(node.name)));
    return cluster;
  }

  /** Every node's client URL, comma-separated (NATS_URL for a process that should fail over). */
  get urls(): string {
    return this.nodes.map((n) => n.url).join(',');
  }

  node(name: string): NatsClusterNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node ${name} in the cluster`);
    return node;
  }

  isRunning(name: string): boolean {
    return this.processes.has(name);
  }

  pidOf(name: string): number | undefined {
    return this.processes.get(name)?.pid;
  }

  /** Starts a node (again) on its port and store and waits until it accepts connections. */
  async restart(name: string): Promise<void> {
    if (this.processes.has(name)) return;
    const node = this.node(name);
    const child = spawn(NATS_SERVER, ['-js', '-c', this.configFiles.get(name) as string], {
      stdio: 'ignore',
      env: { ...process.env, ...this.env },
    });
    let spawnError: Error | null = null;
    child.once('error', (error) => (spawnError = error));
    this.processes.set(name, child);
    child.once('exit', () => {
      if (this.processes.get(name) === child) this.processes.delete(name);
    });
    const deadline = Date.now() + 15_000;
    while (!(await canConnect(node.port))) {
      if (spawnError) throw new Error(`cannot start ${NATS_SERVER}: ${String(spawnError)}`);
      if (child.exitCode !== null) throw new Error(`nats-server ${name} exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`nats-server ${name} did not start within 15 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGKILL: the node is gone at once, as a crashed machine would be. */
  async kill(name: string): Promise<void> {
    const child = this.processes.get(name);
    if (!child) return;
    this.processes.delete(name);
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async dispose(): Promise<void> {
    for (const node of this.nodes) await this.kill(node.name);
    await rm(this.root, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
