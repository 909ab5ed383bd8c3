import type { IntervalWorker } from '@iso20000/service-kit';
import { processCertificationUploads } from '../commands/process-certification-uploads';
import { workerContextJob, type WorkerJobDeps } from './worker-context-job';

/**
 * Every interval: processes the submitted uploads, one after another (replicas each take a different
 * one: the claim skips locked rows; a worker that dies leaves a lease that runs out, and another resumes).
 */
export function certificationUploadJob(deps: WorkerJobDeps): IntervalWorker {
  return workerContextJob('certification-uploads', deps, async (ctx) => ({
    processed: await processCertificationUploads(ctx, { logger: deps.logger }),
  }));
}
