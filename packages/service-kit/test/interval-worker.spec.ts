import { sleep } from '@iso20000/testing';
import { createLogger, IntervalWorker } from '../src';

const logger = createLogger('interval-worker-test', 'silent');

describe('IntervalWorker', () => {
  it('never runs two passes at once, and stop() waits for the running pass', async () => {
    let running = 0;
    let maxRunning = 0;
    let passes = 0;
    let finished = 0;
    const worker = new IntervalWorker({
      name: 'slow',
      intervalMs: 5,
      logger,
      run: async () => {
        running += 1;
        passes += 1;
        maxRunning = Math.max(maxRunning, running);
        await sleep(40);
        running -= 1;
        finished += 1;
      },
    });
    worker.start();
    await sleep(100);
    await worker.stop();
    expect(maxRunning).toBe(1);
    expect(passes).toBeGreaterThanOrEqual(2);
    expect(finished).toBe(passes);
    const after = passes;
    await sleep(30);
    expect(passes).toBe(after);
  });

  it('goes on after a failed pass', async () => {
    let calls = 0;
    const worker = new IntervalWorker({
      name: 'flaky',
      intervalMs: 5,
      logger,
      run: async () => {
        calls += 1;
        if (calls === 1) throw new Error('database restarting');
      },
    });
    worker.start();
    await sleep(40);
    await worker.stop();
    expect(calls).toBeGreaterThan(1);
  });

  it('runNow joins a running pass instead of starting another', async () => {
    let passes = 0;
    const worker = new IntervalWorker({
      name: 'manual',
      intervalMs: 60_000,
      logger,
      runAtStart: false,
      run: async () => {
        passes += 1;
        await sleep(20);
      },
    });
    await Promise.all([worker.runNow(), worker.runNow()]);
    expect(passes).toBe(1);
    await worker.stop();
  });
});
