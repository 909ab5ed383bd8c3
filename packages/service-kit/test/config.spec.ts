import { z } from 'zod';
import { baseServiceConfig, ConfigError, loadConfig } from '../src';

describe('loadConfig', () => {
  const valid = { PORT: '4001', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/iso20000_exam' };

  it('returns typed values with defaults', () => {
    const config = loadConfig(baseServiceConfig, valid);
    expect(config.PORT).toBe(4001);
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.NODE_ENV).toBe('development');
  });

  it('names a missing variable', () => {
    expect(() => loadConfig(baseServiceConfig, { PORT: '4001' })).toThrow(/DATABASE_URL is required/);
  });

  it('names a bad variable and its value', () => {
    let error: unknown;
    try {
      loadConfig(baseServiceConfig, { ...valid, NATS_URL: 'http://nats', PORT: 'eighty' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/NATS_URL="http:\/\/nats" is invalid/);
    expect(problems).toMatch(/PORT="eighty" is invalid/);
  });

  it('accepts service-specific additions', () => {
    const config = loadConfig({ ...baseServiceConfig, HOLIDAYS: z.string().default('') }, valid);
    expect(config.HOLIDAYS).toBe('');
  });
});
