import { BenchUsageError, parseBenchOptions } from '../src/options';

describe('bench options', () => {
  it('defaults to the gateway suite in production with the server of DATABASE_URL', () => {
    const options = parseBenchOptions([], { DATABASE_URL: 'postgres://p@db:5432' });
    expect(options).toMatchObject({
      suites: ['gateway'],
      durationSeconds: 5,
      repeats: 3,
      nodeEnv: 'production',
      hive: true,
    });
    expect(options.databaseUrl).toBe('postgres://p@db:5432');
  });

  it('reads suites, duration and gateway environment', () => {
    const options = parseBenchOptions(
      ['--', '--suite', 'all', '--duration', '10', '--gateway-env', 'GATEWAY_WORKERS=1', '--no-hive'],
      {},
    );
    expect(options.suites).toEqual(['gateway', 'statistics', 'registry']);
    expect(options.durationSeconds).toBe(10);
    expect(options.gatewayEnv).toEqual({ GATEWAY_WORKERS: '1' });
    expect(options.hive).toBe(false);
  });

  it('refuses unknown suites and malformed values', () => {
    expect(() => parseBenchOptions(['--suite', 'speed'], {})).toThrow(BenchUsageError);
    expect(() => parseBenchOptions(['--duration', '0'], {})).toThrow(/--duration/);
    expect(() => parseBenchOptions(['--gateway-env', 'NOEQUALS'], {})).toThrow(/KEY=VALUE/);
  });
});
