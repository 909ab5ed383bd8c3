import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Debian installs the binary outside a normal user's PATH.
export const NATS_SERVER =
  process.env.NATS_SERVER_BIN ??
  (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server');

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

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A private nats-server with JetStream on a free port, for tests that play a NATS outage: `halt()`
 * kills it, `resume()` starts it again on the same port and store, so streams and their messages
 * survive, as they would on a restarted server. Stopping the shared server would hurt every other
 * test running at the time.
 */
export class LocalNatsServer {
  private process: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly storeDir: string,
    private readonly configFile?: string,
    private readonly env?: Record<string, string>,
  ) {}

  /**
   * `config(port, storeDir)` returns a nats-server configuration (e.g. events' busServerConfig with
   * users and permissions); it must set the port, the host 127.0.0.1 and the JetStream store it is given.
   * `env` is added to the server's environment (values a configuration refers to as `$NAME`).
   */
  static async start(
    options: { config?: (port: number, storeDir: string) => string; env?: Record<string, string> } = {},
  ): Promise<LocalNatsServer> {
    const storeDir = await mkdtemp(join(tmpdir(), 'test-nats-'));
    const port = await freePort();
    let configFile: string | undefined;
    if (options.config) {
      configFile = join(storeDir, 'nats.conf');
      await writeFile(configFile, options.config(port, join(storeDir, 'jetstream')), { mode: 0o600 });
    }
    const server = new LocalNatsServer(port, storeDir, configFile, options.env);
    await server.resume();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async resume(): Promise<void> {
    if (this.process) return;
    const child = spawn(
      NATS_SERVER,
      this.configFile
        ? ['-js', '-c', this.configFile]
        : ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir],
      {
        stdio: 'ignore',
        env: { ...process.env, ...this.env },
      },
    );
    let spawnError: Error | null = null;
    child.once('error', (error) => (spawnError = error));
    this.process = child;
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(this.port))) {
      if (spawnError) throw new Error(`cannot start ${NATS_SERVER}: ${String(spawnError)}`);
      if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('nats-server did not start within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async halt(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = null;
    if (child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async dispose(): Promise<void> {
    await this.halt();
    await rm(this.storeDir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
