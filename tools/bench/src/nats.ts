import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureBusCredentials,
  writeBusServerConfig,
  type BusCredentials,
} from '@iso20000/tool-dev/src/bus-credentials';
import { freePort } from '@iso20000/tool-dev/src/launcher';
import { portAnswers } from '@iso20000/tool-dev/src/infrastructure';
import type { Log } from './log';

export interface BenchNats {
  url: string;
  credentials: BusCredentials;
  stop(): Promise<void>;
}

function findNatsServer(): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/local/bin', '/usr/bin'])) {
    const candidate = join(dir, 'nats-server');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('nats-server is not installed (Debian: apt-get install -y nats-server)');
}

/**
 * The bench's own event bus, as production runs it: a nats-server with one user per process and the
 * grants of the bus configuration (packages/events), JetStream kept in `dir`, on a free port. Nobody
 * else's tests publish on it, and production-mode services find the credentials they require.
 */
export async function startBenchNats(options: {
  dir: string;
  namespace: string;
  log: Log;
}): Promise<BenchNats> {
  const storeDir = join(options.dir, 'jetstream');
  mkdirSync(storeDir, { recursive: true });
  const credentials = ensureBusCredentials(options.dir);
  const port = await freePort();
  const configFile = writeBusServerConfig(options.dir, credentials, {
    host: '127.0.0.1',
    port,
    storeDir,
    namespace: options.namespace,
  });
  const child: ChildProcess = spawn(findNatsServer(), ['-js', '-c', configFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-3000);
  });
  const deadline = Date.now() + 15_000;
  while (!(await portAnswers('127.0.0.1', port, 500))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the bench nats-server did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  options.log(`bench nats-server on port ${port}, one user per process (${options.dir})`);
  return {
    url: `nats://127.0.0.1:${port}`,
    credentials,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
