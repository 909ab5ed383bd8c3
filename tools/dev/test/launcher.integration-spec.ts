import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { Client } from 'pg';
import { eventually, testNamespace, testServerUrl } from '@iso20000/testing';
import { SUBGRAPH_SERVICES } from '@iso20000/topology';
import { startSystem, type RunningSystem } from '../src/launcher';
import { workspaceRoot } from '../src/infrastructure';

// The launcher as `npm start` runs it, on free ports with databases and events of its own: a process
// that dies is reported at once and restarted with backoff; SIGTERM and Ctrl-C stop every process.

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Every process below `root`, from ps. */
function descendants(root: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [pid, ppid] of table)
      if (ppid === parent) {
        found.push(pid);
        walk(pid);
      }
  };
  walk(root);
  return found;
}

async function dropDatabases(prefix: string) {
  const url = new URL(testServerUrl());
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    for (const name of SUBGRAPH_SERVICES)
      await client.query(`DROP DATABASE IF EXISTS "${prefix}_${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

describe('a process that dies', () => {
  let system: RunningSystem;
  const notices: string[] = [];

  beforeAll(async () => {
    system = await startSystem({
      namespace: testNamespace('launch'),
      restartBackoffMs: 400,
      onNotice: (message) => notices.push(message),
    });
  }, 240_000);

  afterAll(async () => {
    await system?.stop();
  });

  it('is reported at once and restarted, with a longer pause each time it dies again', async () => {
    const first = system.pid('registry');
    if (!first) throw new Error('registry is not running');
    process.kill(first, 'SIGKILL');
    const reported = Date.now();
    await eventually(
      async () => (notices.some((n) => n.startsWith('registry exited unexpectedly')) ? true : undefined),
      1_000,
      'the death to be reported',
    );
    expect(Date.now() - reported).toBeLessThan(1_000);
    expect(notices.at(-1)).toBe('registry exited unexpectedly (SIGKILL); restarting it in 0.4 s');
    await eventually(
      async () =>
        notices.some((n) => /^registry restarted \(pid \d+\) and ready$/.test(n)) ? true : undefined,
      120_000,
      'the registry to be restarted',
    );
    const second = system.pid('registry');
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(alive(first)).toBe(false);
    const answer = await system.query<{ certifiedOrganizations: { edges: unknown[] } }>(
      '{ certifiedOrganizations(first: 1) { edges { cursor } } }',
    );
    expect(answer.errors).toBeUndefined();

    process.kill(second!, 'SIGKILL');
    await eventually(
      async () => (notices.filter((n) => n.startsWith('registry exited')).length === 2 ? true : undefined),
      1_000,
      'the second death to be reported',
    );
    expect(notices.filter((n) => n.startsWith('registry exited')).at(-1)).toBe(
      'registry exited unexpectedly (SIGKILL); restarting it in 0.8 s',
    );
    await eventually(async () => (system.pid('registry') ? true : undefined), 10_000, 'a third registry');
  }, 180_000);

  it('is not restarted when it was stopped on purpose', async () => {
    await eventually(
      async () => (notices.filter((n) => n.startsWith('registry restarted')).length === 2 ? true : undefined),
      120_000,
      'the registry to be back',
    );
    const before = notices.length;
    await system.stopProcess('certificate');
    expect(system.pid('certificate')).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(notices.slice(before)).toEqual([]);
    await system.startProcess('certificate');
    expect(system.pid('certificate')).toBeDefined();
  }, 180_000);
});

describe('npm start', () => {
  const running: ChildProcess[] = [];
  const prefixes: string[] = [];

  afterAll(async () => {
    for (const child of running)
      if (child.exitCode === null && child.signalCode === null && child.pid)
        process.kill(child.pid, 'SIGKILL');
    for (const prefix of prefixes) await dropDatabases(prefix);
  });

  // SIGTERM to npm start's process; Ctrl-C as a terminal sends it, to the whole foreground group;
  // npm itself killed outright, which nothing can pass on.
  it.each([
    ['SIGTERM to npm start', (pid: number) => process.kill(pid, 'SIGTERM'), 0],
    ['Ctrl-C', (pid: number) => process.kill(-pid, 'SIGINT'), 0],
    ['SIGKILL to npm', (pid: number) => process.kill(pid, 'SIGKILL'), null],
  ])(
    'stops every process it started on %s, and says so',
    async (_how, signal, exitCode) => {
      const prefix = testNamespace('npmstart');
      prefixes.push(prefix);
      const child = spawn('npm', ['start', '--', '--ports=free', `--prefix=${prefix}`, '--no-demo-data'], {
        cwd: workspaceRoot,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: process.env,
      });
      running.push(child);
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await eventually(
        async () => (output.includes("The scheme's graph is up") ? true : undefined),
        240_000,
        `npm start to be up:\n${output.slice(-2000)}`,
      );
      const processes = descendants(child.pid!);
      // bin/start.mjs, src/start.ts, the four services and the gateway at least.
      expect(processes.length).toBeGreaterThanOrEqual(7);
      signal(child.pid!);
      expect(await exited).toBe(exitCode);
      await eventually(
        async () => (processes.every((pid) => !alive(pid)) ? true : undefined),
        15_000,
        'every child to be gone',
      );
      const said = stripVTControlCharacters(output);
      expect(said).toMatch(/\[start\] (SIGTERM|SIGINT|npm start exited): stopping the gateway and services/);
      expect(said).toMatch(/\[start\] stopped\n/);
      expect(output).not.toMatch(/Connection terminated|terminating connection|ECONNREFUSED/);
    },
    300_000,
  );
});
