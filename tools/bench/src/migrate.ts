import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '@iso20000/tool-dev/src/launcher';
import { workspaceRoot } from '@iso20000/tool-dev/src/infrastructure';
import { SUBGRAPH_SERVICES } from '@iso20000/topology';
import type { BusCredentials } from '@iso20000/tool-dev/src/bus-credentials';
import type { Log } from './log';
import { sourceNodeOptions } from '@iso20000/tool-dev/src/source-node';

/**
 * Brings every bench database up to its service's migrations before the timed start: on seeded
 * volumes (a million results) a migration can outlast the launcher's 60 s readiness wait. Each
 * service is started alone, waited on for as long as its migrations take, then stopped.
 */
export async function migrateBenchDatabases(
  options: {
    databaseUrl: string;
    natsUrl: string;
    natsCredentials?: BusCredentials;
    databasePrefix: string;
    timeoutMs?: number;
  },
  log: Log,
): Promise<void> {
  const secret = randomBytes(24).toString('hex');
  await Promise.all(
    SUBGRAPH_SERVICES.map(async (service) => {
      const port = await freePort();
      const url = new URL(options.databaseUrl);
      url.pathname = `/${options.databasePrefix}_${service}`;
      const started = Date.now();
      const child = spawn(
        process.execPath,
        [...sourceNodeOptions(), join(workspaceRoot, 'services', service, 'src', 'main.ts')],
        {
          cwd: workspaceRoot,
          env: {
            ...process.env,
            NODE_ENV: 'development',
            LOG_LEVEL: 'warn',
            PORT: String(port),
            DATABASE_URL: url.toString(),
            NATS_URL: options.natsUrl,
            ...(options.natsCredentials
              ? {
                  NATS_USER: options.natsCredentials[service].user,
                  NATS_PASSWORD: options.natsCredentials[service].password,
                }
              : {}),
            EVENTS_NAMESPACE: options.databasePrefix,
            AUTH_DEV_SECRET: secret,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      for (const stream of [child.stdout, child.stderr])
        stream?.on('data', (chunk: Buffer) => {
          output = (output + chunk.toString('utf8')).slice(-3000);
        });
      const deadline = started + (options.timeoutMs ?? 15 * 60_000);
      try {
        while (Date.now() < deadline) {
          if (child.exitCode !== null)
            throw new Error(`${service} exited with code ${child.exitCode} while migrating:\n${output}`);
          const ready = await fetch(`http://127.0.0.1:${port}/ready`).then(
            (response) => response.ok,
            () => false,
          );
          if (ready) break;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        const seconds = (Date.now() - started) / 1000;
        if (seconds > 20) log(`  ${service}: migrations took ${seconds.toFixed(0)} s`);
      } finally {
        if (child.exitCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
          if (child.exitCode === null) child.kill('SIGKILL');
        }
      }
    }),
  );
}
