import { formatTable } from '../src/table';

describe('results table', () => {
  const result = {
    runs: 3,
    requestsPerSecond: 1234.4,
    p50: 1.26,
    p95: 10,
    p99: 20.04,
    errors: 0,
    errorRate: 0,
  };

  it('aligns columns and shows ratios, errors and skipped contenders', () => {
    const text = formatTable([
      { scenario: 'verify', contender: 'ours', result, ratio: 1, notes: 'SQL 1.0/req' },
      {
        scenario: 'verify',
        contender: 'Hive Gateway',
        result: { ...result, requestsPerSecond: 617.2, errors: 4, errorRate: 0.002 },
        ratio: 0.5,
      },
      {
        scenario: 'verify',
        contender: 'grafbase dev',
        result: { ...result, errors: 1, errorRate: 0.0001 },
        ratio: 1,
        failed: true,
      },
      { scenario: 'verify', contender: 'subgraph directly', skipped: 'query fails: boom' },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^scenario\s+contender\s+req\/s\s+p50 ms\s+p95 ms\s+p99 ms\s+errors\s+vs ours\s+notes$/,
    );
    expect(lines[2]).toContain('1234');
    expect(lines[2]).toContain('1.3');
    expect(lines[2]).toContain('1.00x');
    expect(lines[2]).toContain('SQL 1.0/req');
    expect(lines[3]).toContain('4 (0.2%)');
    expect(lines[3]).toContain('0.50x');
    // A contender with a failed request is shown, never compared.
    expect(lines[4]).toContain('FAILED');
    expect(lines[4]).not.toContain('1.00x');
    expect(lines[5]).toContain('skipped: query fails: boom');
    expect(
      formatTable([{ scenario: 'bulk', contender: 'ours', result: { ...result, requestsPerSecond: 0.734 } }]),
    ).toContain('0.73');
    // Every row's numeric columns end at the same place.
    const ratioEnd = lines[0].indexOf('vs ours') + 'vs ours'.length;
    expect(lines[2].slice(ratioEnd - 5, ratioEnd)).toBe('1.00x');
    expect(lines[3].slice(ratioEnd - 5, ratioEnd)).toBe('0.50x');
  });
});
