#!/usr/bin/env node
// `npm start`: finds or starts PostgreSQL and NATS, then runs the four services and the gateway.
// The launcher runs in a process group of its own, so a Ctrl-C in the terminal reaches only this
// process, which passes it on: the launcher then stops the gateway and services before PostgreSQL and
// NATS, instead of every process receiving the signal at once. It holds our end of its stdin, so it
// also stops when this process is killed outright. npm runs this script through `sh -c`, and sh dies
// of a SIGTERM without passing it on: a parent that goes away is taken as the signal to stop.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nodeArgsForSource } from './source-node.mjs';

const entry = fileURLToPath(new URL('../src/start.ts', import.meta.url));
const child = spawn(process.execPath, nodeArgsForSource(entry, process.argv.slice(2)), {
  stdio: ['pipe', 'inherit', 'inherit'],
  detached: true,
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.on(signal, () => child.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal));
const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid !== parent) child.kill('SIGTERM');
}, 250);
child.on('exit', (code, signal) => {
  clearInterval(watch);
  process.exit(code ?? (signal ? 1 : 0));
});
