import { spawn, type ChildProcess } from 'node:child_process';
import { portAnswers } from '@iso20000/tool-dev';
import { nodeArgsForSource } from '@iso20000/tool-dev/src/source-node';

/** One process of the drill: a replica of a service, a gateway, the database proxy. */
export interface FleetMember {
  /** e.g. `registry-2`, `gateway-1`. */
  id: string;
  /** The service it is a replica of (`registry`, `gateway`). */
  role: string;
  entry: string;
  env: Record<string, string>;
  port: number;
  /** GET this answers 200 once the process is ready (default /health). */
  readyPath?: string;
  /** 'tcp': accepting connections is ready (a proxy); default 'http'. */
  ready?: 'http' | 'tcp';
  child?: ChildProcess;
  /** Times it was started by the fleet (1 = never restarted). */
  starts: number;
  /** Deaths the drill did not cause (a process that fell over by itself). */
  unexpectedDeaths: number;
  expectedExit: boolean;
}

/**
 * The drill's supervisor: starts processes and keeps their last log lines. Unlike `npm start`'s
 * launcher it runs several replicas of one service, and it restarts nothing by itself: the drill
 * restarts a replica it killed (as an orchestrator would) and counts any other death as a failure.
 */
export class Fleet {
  readonly members = new Map<string, FleetMember>();
  private readonly logs: string[] = [];

  recentLogs(filter?: (line: string) => boolean, lines = 80): string {
    return (filter ? this.logs.filter(filter) : this.logs).slice(-lines).join('\n');
  }

  add(member: Omit<FleetMember, 'starts' | 'unexpectedDeaths' | 'expectedExit'>): FleetMember {
    const full: FleetMember = { ...member, starts: 0, unexpectedDeaths: 0, expectedExit: false };
    this.members.set(member.id, full);
    return full;
  }

  get(id: string): FleetMember {
    const member = this.members.get(id);
    if (!member) throw new Error(`no process ${id} in the drill`);
    return member;
  }

  byRole(role: string): FleetMember[] {
    return [...this.members.values()].filter((m) => m.role === role);
  }

  isRunning(id: string): boolean {
    const child = this.get(id).child;
    return !!child && child.exitCode === null && child.signalCode === null;
  }

  launch(id: string): ChildProcess {
    const member = this.get(id);
    const args = member.entry.endsWith('.ts') ? nodeArgsForSource(member.entry) : [member.entry];
    const child = spawn(process.execPath, [...args, ...(member.env.ARGS ? member.env.ARGS.split(' ') : [])], {
      env: { ...member.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          if (!line) continue;
          this.logs.push(`[${id}] ${line}`);
          if (this.logs.length > 4000) this.logs.splice(0, 2000);
        }
      });
    }
    member.child = child;
    member.starts += 1;
    member.expectedExit = false;
    child.once('exit', (code, signal) => {
      if (!member.expectedExit) {
        member.unexpectedDeaths += 1;
        this.logs.push(`[drill] ${id} exited by itself (${code ?? signal})`);
      }
    });
    return child;
  }

  /** Starts a process and waits until it is ready; a process that exits meanwhile fails the start. */
  async start(id: string, timeoutMs: number): Promise<number> {
    const member = this.get(id);
    const started = Date.now();
    const child = this.launch(id);
    const deadline = started + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${id} exited during start:\n${this.recentLogs((l) => l.startsWith(`[${id}]`), 40)}`);
      }
      if (await this.answers(member)) return Date.now() - started;
      if (Date.now() > deadline) {
        throw new Error(
          `${id} was not ready within ${timeoutMs / 1000} s:\n${this.recentLogs((l) => l.startsWith(`[${id}]`), 40)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async answers(member: FleetMember): Promise<boolean> {
    if (member.ready === 'tcp') return portAnswers('127.0.0.1', member.port, 1_000);
    try {
      const response = await fetch(`http://127.0.0.1:${member.port}${member.readyPath ?? '/health'}`, {
        signal: AbortSignal.timeout(2_000),
      });
      return response.ok;
    } catch {
      return false;
    }
  }

  /** Sends a signal the drill means (SIGKILL a replica, SIGSTOP the database proxy). */
  signal(id: string, signal: NodeJS.Signals): void {
    const member = this.get(id);
    if (signal === 'SIGKILL' || signal === 'SIGTERM') member.expectedExit = true;
    member.child?.kill(signal);
  }

  async kill(id: string): Promise<void> {
    const member = this.get(id);
    const child = member.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.signal(id, 'SIGKILL');
    await exited;
  }

  /** Stops everything: SIGTERM, then SIGKILL after a grace period. */
  async stopAll(graceMs = 8_000): Promise<void> {
    await Promise.all(
      [...this.members.values()].map(async (member) => {
        const child = member.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        member.expectedExit = true;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGCONT'); // a frozen process cannot handle SIGTERM
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(force);
      }),
    );
  }
}
