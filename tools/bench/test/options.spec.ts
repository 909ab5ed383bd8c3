import { BenchUsageError, parseBenchOptions } from '../src/options';

describe('bench options', () => {
  it("defaults to the gateway suite in production on the bench's own PostgreSQL", () => {
    const options = parseBenchOptions([], { DATABASE_URL: 'postgres://p@db:5432' });
    expect(options).toMatchObject({
      suites: ['gateway'],
      durationSeconds: 5,
      repeats: 3,
      nodeEnv: 'production',
      contenders: ['ours', 'ours-planned', 'hive-rust', 'grafbase', 'direct'],
      pgData: '/var/tmp/iso20000-bench/iso20000_bench',
    });
    // Another process's DATABASE_URL (a test server) is never the bench's by accident.
    expect(options.databaseUrl).toBeUndefined();
    expect(parseBenchOptions(['--database-url', 'postgres://p@db:5432'], {}).databaseUrl).toBe(
      'postgres://p@db:5432',
    );
  });

  it('takes contenders by name, always with ours, and refuses unknown ones', () => {
    expect(parseBenchOptions(['--contenders', 'hive,direct'], {}).contenders).toEqual([
      'ours',
      'hive',
      'direct',
    ]);
    expect(parseBenchOptions(['--no-hive'], {}).contenders).toEqual([
      'ours',
      'ours-planned',
      'grafbase',
      'direct',
    ]);
    expect(() => parseBenchOptions(['--contenders', 'router'], {})).toThrow(/unknown contender "router"/);
  });

  it('reads suites, duration and gateway environment', () => {
    const options = parseBenchOptions(
      ['--', '--suite', 'all', '--duration', '10', '--gateway-env', 'GATEWAY_WORKERS=1', '--no-hive'],
      {},
    );
    expect(options.suites).toEqual(['gateway', 'statistics', 'registry']);
    expect(options.durationSeconds).toBe(10);
    expect(options.gatewayEnv).toEqual({ GATEWAY_WORKERS: '1' });
    expect(options.contenders).not.toContain('hive-rust');
  });

  it('refuses unknown suites and malformed values', () => {
    expect(() => parseBenchOptions(['--suite', 'speed'], {})).toThrow(BenchUsageError);
    expect(() => parseBenchOptions(['--duration', '0'], {})).toThrow(/--duration/);
    expect(() => parseBenchOptions(['--gateway-env', 'NOEQUALS'], {})).toThrow(/KEY=VALUE/);
  });
});
