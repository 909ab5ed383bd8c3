import { planSeed, SEED_USAGE, SeedUsageError } from './seed-plan';
import { runSeed } from './run-seed';

async function main(): Promise<number> {
  let steps;
  try {
    steps = planSeed(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof SeedUsageError)) throw error;
    if (error.message) process.stderr.write(`${error.message}\n\n`);
    process.stderr.write(`${SEED_USAGE}\n`);
    return error.message ? 2 : 0;
  }
  const outcomes = await runSeed(steps);
  const summary = outcomes.map(
    (o) => `${o.service} ${o.status}${o.status === 'done' ? ` (${o.seconds.toFixed(1)} s)` : ''}`,
  );
  process.stdout.write(`[seed] ${summary.join(', ')}\n`);
  return outcomes.some((o) => o.status === 'failed') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
