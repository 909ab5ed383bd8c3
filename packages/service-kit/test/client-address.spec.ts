import { TrustedProxies } from '../src';

describe('TrustedProxies', () => {
  const proxies = new TrustedProxies('127.0.0.1, ::1, 10.0.0.0/8');

  it('believes X-Forwarded-For only from a trusted proxy', () => {
    expect(proxies.clientAddress('127.0.0.1', '203.0.113.7')).toBe('203.0.113.7');
    expect(proxies.clientAddress('::ffff:127.0.0.1', '203.0.113.7')).toBe('203.0.113.7');
    expect(proxies.clientAddress('198.51.100.2', '203.0.113.7')).toBe('198.51.100.2');
  });

  it('takes the nearest untrusted hop, not what the client wrote at the left', () => {
    expect(proxies.clientAddress('10.1.2.3', '1.2.3.4, 203.0.113.7, 10.9.9.9')).toBe('203.0.113.7');
    expect(proxies.clientAddress('10.1.2.3', ['1.2.3.4', '203.0.113.7'])).toBe('203.0.113.7');
  });

  it('ignores a malformed header and trusts nobody when empty', () => {
    expect(proxies.clientAddress('127.0.0.1', 'not-an-address')).toBe('127.0.0.1');
    expect(new TrustedProxies('').clientAddress('127.0.0.1', '203.0.113.7')).toBe('127.0.0.1');
    expect(() => new TrustedProxies('example.com')).toThrow(/not an IP address/);
  });
});
