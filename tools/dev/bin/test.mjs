#!/usr/bin/env node
// `npm test`: finds or starts PostgreSQL and NATS, then runs every project's tests with Jest.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const entry = fileURLToPath(new URL('../src/test.ts', import.meta.url));
const child = spawn(
  process.execPath,
  [
    '--conditions=@iso20000/source',
    '-r',
    require.resolve('@swc-node/register'),
    entry,
    ...process.argv.slice(2),
  ],
  {
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
