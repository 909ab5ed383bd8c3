import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
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
  /** nats-server's monitoring endpoint (JetStream state), on loopback. */
  monitorUrl: string;
  /**
   * Waits until every JetStream consumer has delivered and seen acknowledged everything in its
   * stream (at most timeoutMs); the pending messages left, when it gives up.
   */
  consumersCaughtUp(timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

interface JszConsumer {
  name: string;
  num_pending?: number;
  num_ack_pending?: number;
}
interface Jsz {
  account_details?: Array<{ stream_detail?: Array<{ consumer_detail?: JszConsumer[] }> }>;
}

/**
 * The credential stores' followers (`<process>_credentials_...`, packages/auth): ordered consumers that
 * copy credential events into memory, setting off no SQL and no requests.
 */
const CREDENTIAL_FOLLOWER = /_credentials_/;

/**
 * Messages JetStream still has to deliver, or has delivered without an acknowledgement, over every
 * consumer whose work could overlap a run. The credential followers are left out: each can show one
 * message pending indefinitely (seen at 6d2bd39: every service's accreditation follower, for 180 s
 * and more), which made every wait run to its timeout, and what they do is not measured anyway.
 */
export function pendingMessages(jsz: Jsz): number {
  let pending = 0;
  for (const account of jsz.account_details ?? [])
    for (const stream of account.stream_detail ?? [])
      for (const consumer of stream.consumer_detail ?? [])
        if (!CREDENTIAL_FOLLOWER.test(consumer.name))
          pending += (consumer.num_pending ?? 0) + (consumer.num_ack_pending ?? 0);
  return pending;
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
  // The bus starts empty every run: events an earlier run published (a bulk import's thousands) must
  // not be worked off by their consumers during this one. The services' databases keep their state,
  // and credential copies are rebuilt from accreditation.
  const storeDir = join(options.dir, 'jetstream');
  rmSync(storeDir, { recursive: true, force: true });
  mkdirSync(storeDir, { recursive: true });
  const credentials = ensureBusCredentials(options.dir);
  const port = await freePort();
  const httpPort = await freePort();
  const configFile = writeBusServerConfig(options.dir, credentials, {
    host: '127.0.0.1',
    port,
    httpPort,
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
  const monitorUrl = `http://127.0.0.1:${httpPort}`;
  return {
    url: `nats://127.0.0.1:${port}`,
    credentials,
    monitorUrl,
    consumersCaughtUp: async (timeoutMs = 120_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const response = await fetch(`${monitorUrl}/jsz?accounts=true&streams=true&consumers=true`);
        const pending = pendingMessages((await response.json()) as Jsz);
        if (pending === 0 || Date.now() > deadline) return pending;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
