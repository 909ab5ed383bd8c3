import { tableRows } from '../src/report';

describe('suite report', () => {
  it('names contenders and puts SQL, gateway CPU and records/s in the notes', () => {
    const median = { runs: 3, requestsPerSecond: 2, p50: 900, p95: 1200, p99: 1300, errors: 0, errorRate: 0 };
    const rows = tableRows([
      {
        suite: 'gateway',
        scenario: 'bulk import',
        connections: 2,
        outcomes: [
          {
            contender: 'ours',
            url: 'u',
            runs: [],
            median,
            ratio: 1,
            sqlStatements: 25.4,
            gatewayCpuShare: 0.24,
            gatewayCpuMs: 49,
            subgraphsCpuMs: 159,
            recordsPerSecond: 1984.2,
          },
          { contender: 'hive-rust', url: '', runs: [], skipped: 'query fails: boom' },
          {
            contender: 'direct',
            url: 'd',
            runs: [],
            median: { ...median, errors: 3 },
            failed: '3 failed request(s)',
          },
        ],
      },
    ]);
    expect(rows).toEqual([
      {
        scenario: 'bulk import [2c]',
        contender: 'ours (Apollo Gateway)',
        result: median,
        ratio: 1,
        failed: false,
        skipped: undefined,
        notes: 'SQL 25.4/req, gateway CPU 24% 49.00 ms/req, subgraphs 159.00 ms/req, 1,984 records/s',
      },
      {
        scenario: 'bulk import [2c]',
        contender: 'Hive Gateway + Rust planner',
        result: undefined,
        ratio: undefined,
        failed: false,
        skipped: 'query fails: boom',
        notes: '',
      },
      {
        scenario: 'bulk import [2c]',
        contender: 'subgraph directly',
        result: { ...median, errors: 3 },
        ratio: undefined,
        failed: true,
        skipped: undefined,
        notes: 'FAILED: 3 failed request(s)',
      },
    ]);
  });
});
