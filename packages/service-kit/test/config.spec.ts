import { z } from 'zod';
import { baseServiceConfig, ConfigError, loadConfig } from '../src';
import { assertAuthConfigured, listenAddressOf, trustedProxiesSpecOf } from '../src/config';

describe('loadConfig', () => {
  const valid = { PORT: '4001', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/iso20000_exam' };

  it('returns typed values with defaults', () => {
    const config = loadConfig(baseServiceConfig, valid);
    expect(config.PORT).toBe(4001);
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.NODE_ENV).toBe('development');
  });

  it('takes every node of a NATS cluster, and refuses a list with one bad URL', () => {
    const cluster = 'nats://10.0.0.1:4222, nats://10.0.0.2:4222,tls://10.0.0.3:4222';
    expect(loadConfig(baseServiceConfig, { ...valid, NATS_URL: cluster }).NATS_URL).toBe(cluster);
    expect(() =>
      loadConfig(baseServiceConfig, { ...valid, NATS_URL: 'nats://10.0.0.1:4222,http://10.0.0.2' }),
    ).toThrow(/NATS_URL=/);
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

describe('authentication settings in production', () => {
  const production = {
    NODE_ENV: 'production',
    PORT: '4001',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/iso20000_exam',
    AUTH_JWKS_URL: 'https://idp.example.org/jwks.json',
    AUTH_ISSUER: 'https://idp.example.org/',
    AUTH_AUDIENCE: 'iso20000',
  };
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      assertAuthConfigured(loadConfig(baseServiceConfig, env));
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('refuses to start without an issuer or an audience, naming each', () => {
    expect(problemsOf(production)).toEqual([]);
    const { AUTH_ISSUER: _issuer, AUTH_AUDIENCE: _audience, ...neither } = production;
    expect(problemsOf(neither)).toEqual([
      'AUTH_ISSUER is required when NODE_ENV=production',
      'AUTH_AUDIENCE is required when NODE_ENV=production',
    ]);
    expect(problemsOf({ ...production, AUTH_AUDIENCE: '' })).toEqual([
      'AUTH_AUDIENCE is required when NODE_ENV=production',
    ]);
  });

  it('bounds token lifetime (24 h by default) and clock skew (at most 60 s)', () => {
    const config = loadConfig(baseServiceConfig, production);
    expect(config.AUTH_MAX_TOKEN_LIFETIME_S).toBe(86_400);
    expect(config.AUTH_CLOCK_SKEW_S).toBe(5);
    expect(() => loadConfig(baseServiceConfig, { ...production, AUTH_CLOCK_SKEW_S: '3600' })).toThrow(
      /AUTH_CLOCK_SKEW_S/,
    );
  });
});

describe('where a service listens and whose X-Forwarded-For it believes', () => {
  const base = { PORT: '4001', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/iso20000_exam' };
  const of = (env: Record<string, string>) => {
    const config = loadConfig(baseServiceConfig, { ...base, ...env });
    return { host: listenAddressOf(config), proxies: trustedProxiesSpecOf(config) };
  };

  it('loopback and the local gateway in development; every interface and nobody in production', () => {
    expect(of({})).toEqual({ host: '127.0.0.1', proxies: '127.0.0.1,::1' });
    expect(of({ NODE_ENV: 'production' })).toEqual({ host: '0.0.0.0', proxies: '' });
  });

  it('HOST and SERVICE_TRUSTED_PROXIES override both, an empty list trusting nobody', () => {
    expect(of({ NODE_ENV: 'production', HOST: '10.0.0.5', SERVICE_TRUSTED_PROXIES: '10.0.0.0/8' })).toEqual({
      host: '10.0.0.5',
      proxies: '10.0.0.0/8',
    });
    expect(of({ SERVICE_TRUSTED_PROXIES: '' }).proxies).toBe('');
  });
});
