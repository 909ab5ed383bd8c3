import { fork } from 'node:child_process';
import { join } from 'node:path';
import { sourceNodeOptions } from '@iso20000/tool-dev/src/source-node';
import type { LoadResult, LoadSpec, WorkerReply } from './load-spec';

/** Runs one load run in a fresh child process, which exits afterwards. */
export function runLoadInWorker(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'load-worker.ts'), [], {
      execArgv: sourceNodeOptions(),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    child.once('message', (reply: WorkerReply) => {
      settled = true;
      child.kill();
      if (reply.kind === 'result') resolve(reply.result);
      else reject(new Error(`load worker: ${reply.message}`));
    });
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`load worker exited with code ${code} before replying`));
    });
    child.send({ kind: 'run', spec });
  });
}
