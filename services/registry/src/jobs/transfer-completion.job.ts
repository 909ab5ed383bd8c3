import type { IntervalWorker } from '@iso20000/service-kit';
import { completeDueTransfers } from '../commands/complete-due-transfers';
import { workerContextJob, type WorkerJobDeps } from './worker-context-job';

/**
 * Every interval (and once at start): completes the transfers whose objection window ended without
 * objection. Each transfer is completed once whatever the number of replicas (row locks, status checked).
 */
export function transferCompletionJob(deps: WorkerJobDeps): IntervalWorker {
  return workerContextJob('transfer-completion', deps, async (ctx) => ({
    closed: await completeDueTransfers(ctx, { logger: deps.logger }),
  }));
}
