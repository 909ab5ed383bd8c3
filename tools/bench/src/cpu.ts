import { readdirSync, readFileSync } from 'node:fs';

/** CPU time of a process from /proc/<pid>/stat: utime + stime, in clock ticks. */
export interface ProcStat {
  pid: number;
  ppid: number;
  ticks: number;
}

/**
 * Parses /proc/<pid>/stat. The command name (field 2) may hold spaces and parentheses, so fields
 * are counted from the last ')'.
 */
export function parseProcStat(text: string): ProcStat {
  const close = text.lastIndexOf(')');
  const pid = Number.parseInt(text.slice(0, text.indexOf('(')).trim(), 10);
  // After ')': state(3) ppid(4) ... utime(14) stime(15): index 0 here is field 3.
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const ppid = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(pid) || !Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error(`unexpected /proc stat line: ${text.slice(0, 80)}`);
  return { pid, ppid, ticks: utime + stime };
}

function readStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // exited between listing and reading
  }
}

/** Every live process's stat, for walking process trees (cluster workers are children of their primary). */
export function allProcStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** Ticks of a process and all its descendants. */
export function treeTicks(rootPid: number, stats: readonly ProcStat[]): number {
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) {
    const list = children.get(stat.ppid) ?? [];
    list.push(stat);
    children.set(stat.ppid, list);
  }
  const byPid = new Map(stats.map((stat) => [stat.pid, stat]));
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop() as number;
    total += byPid.get(pid)?.ticks ?? 0;
    for (const child of children.get(pid) ?? []) stack.push(child.pid);
  }
  return total;
}

/** The pids below a process (children, their children, ...), deepest last. */
export function descendantPids(rootPid: number, stats: readonly ProcStat[]): number[] {
  const children = new Map<number, number[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat.pid]);
  const found: number[] = [];
  const queue = [...(children.get(rootPid) ?? [])];
  while (queue.length) {
    const pid = queue.shift() as number;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Ticks per named process tree at one moment. */
export type CpuSample = Record<string, number>;

export function sampleCpu(processes: Record<string, number>): CpuSample {
  const stats = allProcStats();
  return Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, treeTicks(pid, stats)]));
}

/**
 * Each process tree's share of the CPU time all of them used between two samples (0..1, summing
 * to 1). Processes that used nothing get 0; no CPU used at all gives every share 0.
 */
export function cpuShares(before: CpuSample, after: CpuSample): Record<string, number> {
  const deltas = Object.fromEntries(
    Object.keys(after).map((name) => [name, Math.max(0, (after[name] ?? 0) - (before[name] ?? 0))]),
  );
  const total = Object.values(deltas).reduce((sum, value) => sum + value, 0);
  return Object.fromEntries(Object.entries(deltas).map(([name, ticks]) => [name, total ? ticks / total : 0]));
}

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
export const TICKS_PER_SECOND = 100;

/**
 * CPU milliseconds each process tree spent per request between two samples: unlike shares, this
 * hardly moves when other work on the machine slows everything down.
 */
export function cpuMillisPerRequest(
  before: CpuSample,
  after: CpuSample,
  requests: number,
  ticksPerSecond = TICKS_PER_SECOND,
  /** Ticks to leave out per process tree (its idle rate times the run's duration). */
  idleTicks: Readonly<Record<string, number>> = {},
): Record<string, number> {
  return Object.fromEntries(
    Object.keys(after).map((name) => [
      name,
      requests > 0
        ? (Math.max(0, after[name] - (before[name] ?? 0) - (idleTicks[name] ?? 0)) * 1000) /
          ticksPerSecond /
          requests
        : Number.NaN,
    ]),
  );
}
