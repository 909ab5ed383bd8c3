#!/usr/bin/env node
// Runs a TypeScript entry point with @swc-node/register (decorators and metadata for TypeORM).
import { spawn } from 'node:child_process';
import { nodeArgsForSource } from './source-node.mjs';

const [entry, ...args] = process.argv.slice(2);
const child = spawn(process.execPath, nodeArgsForSource(entry, args), { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
