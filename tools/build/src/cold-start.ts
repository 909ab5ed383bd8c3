/**
 * Cold start of each process, compiled (`node dist/main.js`) against the register hook
 * (`node -r @swc-node/register src/main.ts`): milliseconds from spawn to a 200 from /ready, on
 * databases already migrated (a first start migrates them), processes started one at a time.
 *   npm run build && node tools/dev/bin/run-ts.mjs tools/build/src/cold-start.ts [--runs 3]
 */
import { join } from 'node:path';
import { startLocalIdentityProvider, startRuntimeSystem, type RuntimeSystemOptions } from './runtime-system';
import { nodeArgsForSource } from '@iso20000/tool-dev/src/source-node';

const root = join(__dirname, '..', '..', '..');
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 3;
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const namespace = `coldstart${Date.now().toString(36)}`;

const variants: Record<string, RuntimeSystemOptions['command']> = {
  dist: (project) => ['node', join(project, 'dist', 'main.js')],
  'swc-node/register': (project) => ['node', ...nodeArgsForSource(join(project, 'src', 'main.ts'))],
};

async function main() {
  const identity = await startLocalIdentityProvider();
  const start = (command: RuntimeSystemOptions['command'], keepDatabases: boolean) =>
    startRuntimeSystem({ root, command, serverUrl, namespace, identity, keepDatabases });
  // The first start creates and migrates the databases; it is not measured.
  await (await start(variants.dist, true)).stop();
  const samples: Record<string, Record<string, number[]>> = {};
  for (let run = 0; run < runs; run += 1) {
    for (const [variant, command] of Object.entries(variants)) {
      const system = await start(command, true);
      await system.stop();
      for (const [name, ms] of Object.entries(system.readyAfterMs)) {
        ((samples[name] ??= {})[variant] ??= []).push(ms);
      }
    }
  }
  await (await start(variants.dist, false)).stop();
  await identity.close();
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(`median ms from spawn to ready (${runs} runs, databases migrated):`);
  for (const [name, byVariant] of Object.entries(samples)) {
    console.log(
      `  ${name.padEnd(14)} ${Object.entries(byVariant)
        .map(([variant, values]) => `${variant} ${median(values)}`)
        .join('   ')}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
