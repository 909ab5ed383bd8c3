#!/usr/bin/env node
// `npm test`: finds or starts PostgreSQL and NATS, then runs every project's tests with Jest.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nodeArgsForSource } from './source-node.mjs';

const entry = fileURLToPath(new URL('../src/test.ts', import.meta.url));
const child = spawn(process.execPath, nodeArgsForSource(entry, process.argv.slice(2)), {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
