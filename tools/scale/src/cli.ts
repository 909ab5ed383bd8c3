import { ALL_FAULTS, runDrill, type FaultName } from './drill';
import { drillTable } from './report';

// `npm run scale-test [-- --short]`: the scale-out drill. Exits 1 on any lost or duplicated effect,
// a tick left unfinished, a process that did not recover, or a revoked key still accepted.

async function main(): Promise<number> {
  const short = process.argv.includes('--short');
  const faults: readonly FaultName[] = short
    ? ['kill-replica:certificate', 'kill-stream-leader']
    : ALL_FAULTS;
  const say = (message: string) => process.stdout.write(`[scale] ${message}\n`);
  const interrupt = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      say(`${signal}: stopping everything the drill started`);
      interrupt.abort();
      // the cleanup runs on abort; give it time, then go
      setTimeout(() => process.exit(130), 15_000).unref();
    });
  const result = await runDrill({ faults, calmMs: short ? 5_000 : 10_000, say, signal: interrupt.signal });
  process.stdout.write(`\n${drillTable(result)}\n`);
  return result.problems.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`scale drill failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
