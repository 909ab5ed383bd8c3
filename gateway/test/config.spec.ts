import { gatewayWorkerCount, loadGatewayConfig } from '../src/config';

describe('gateway worker count', () => {
  it('runs one worker per core in production', () => {
    const config = loadGatewayConfig({ NODE_ENV: 'production' });
    expect(gatewayWorkerCount(config, 8)).toBe(8);
  });

  it('runs a single process in development and tests', () => {
    expect(gatewayWorkerCount(loadGatewayConfig({ NODE_ENV: 'development' }), 8)).toBe(1);
    expect(gatewayWorkerCount(loadGatewayConfig({ NODE_ENV: 'test' }), 8)).toBe(1);
  });

  it('takes GATEWAY_WORKERS over the default', () => {
    expect(gatewayWorkerCount(loadGatewayConfig({ NODE_ENV: 'production', GATEWAY_WORKERS: '3' }), 8)).toBe(
      3,
    );
    expect(() => loadGatewayConfig({ GATEWAY_WORKERS: '0' })).toThrow(/GATEWAY_WORKERS/);
  });
});
