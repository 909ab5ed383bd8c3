import { cpuMillisPerRequest, cpuShares, descendantPids, parseProcStat, treeTicks } from '../src/cpu';

describe('CPU share from /proc', () => {
  it('reads utime + stime, even when the command name holds spaces and parentheses', () => {
    const line =
      '4242 (node (worker) x) S 4000 4242 4000 0 -1 4194304 1234 0 0 0 150 37 0 0 20 0 11 0 100 0 0';
    expect(parseProcStat(line)).toEqual({ pid: 4242, ppid: 4000, ticks: 187 });
  });

  it('adds a process tree: a cluster primary and its workers', () => {
    const stats = [
      { pid: 10, ppid: 1, ticks: 5 },
      { pid: 11, ppid: 10, ticks: 100 },
      { pid: 12, ppid: 10, ticks: 120 },
      { pid: 13, ppid: 12, ticks: 1 },
      { pid: 20, ppid: 1, ticks: 999 },
    ];
    expect(treeTicks(10, stats)).toBe(226);
    expect(treeTicks(20, stats)).toBe(999);
    expect(treeTicks(99, stats)).toBe(0);
    // What an interrupted bench kills: everything below it, and nothing beside it.
    expect(descendantPids(10, stats)).toEqual([11, 12, 13]);
    expect(descendantPids(13, stats)).toEqual([]);
  });

  it('divides the CPU used between samples among the processes', () => {
    const shares = cpuShares(
      { gateway: 100, exam: 50, registry: 10 },
      { gateway: 160, exam: 80, registry: 10 },
    );
    expect(shares.gateway).toBeCloseTo(2 / 3);
    expect(shares.exam).toBeCloseTo(1 / 3);
    expect(shares.registry).toBe(0);
    expect(cpuShares({ a: 1 }, { a: 1 })).toEqual({ a: 0 });
  });

  it('gives CPU milliseconds per request from ticks of 10 ms', () => {
    const perRequest = cpuMillisPerRequest({ gateway: 100, exam: 0 }, { gateway: 400, exam: 50 }, 1000);
    expect(perRequest.gateway).toBeCloseTo(3);
    expect(perRequest.exam).toBeCloseTo(0.5);
    expect(cpuMillisPerRequest({ a: 0 }, { a: 10 }, 0).a).toBeNaN();
  });

  it('leaves out what a process spends idle over the run, never below zero', () => {
    const net = cpuMillisPerRequest({ gateway: 100, exam: 0 }, { gateway: 400, exam: 50 }, 1000, 100, {
      gateway: 50,
      exam: 80,
    });
    expect(net.gateway).toBeCloseTo(2.5);
    expect(net.exam).toBe(0);
  });
});
