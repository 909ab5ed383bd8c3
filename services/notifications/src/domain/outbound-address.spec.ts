import { AllowedHosts, refusedAddressReason } from './outbound-address';

describe('addresses webhooks may not reach', () => {
  it.each([
    '127.0.0.1',
    '127.8.8.8',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd12:3456::1',
    'fc00::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    '2002:a00:1::1',
  ])('refuses %s', (address) => {
    expect(refusedAddressReason(address)).not.toBeNull();
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'lets %s through',
    (address) => {
      expect(refusedAddressReason(address)).toBeNull();
    },
  );

  it('refuses what is not an address', () => {
    expect(refusedAddressReason('localhost')).toMatch(/not an IP address/);
  });

  it('allows only the hosts it names, case and brackets aside', () => {
    const allowed = new AllowedHosts('127.0.0.1, Receiver.Test ,[::1]');
    expect(allowed.allows('127.0.0.1')).toBe(true);
    expect(allowed.allows('receiver.test')).toBe(true);
    expect(allowed.allows('[::1]')).toBe(true);
    expect(allowed.allows('localhost')).toBe(false);
    expect(new AllowedHosts(undefined).allows('127.0.0.1')).toBe(false);
  });
});
