import { validateShippingAddress } from './shipping-address';

const base = {
  recipientName: 'Ada Lovelace',
  lines: ['10 Downing Street'],
  city: 'London',
  postalCode: 'sw1a 2aa',
  country: 'gb',
};

describe('shipping addresses', () => {
  it('normalizes a valid address', () => {
    expect(validateShippingAddress(base)).toEqual({
      ok: true,
      address: { ...base, postalCode: 'SW1A 2AA', country: 'GB' },
    });
  });

  it('names the field to fix', () => {
    expect(validateShippingAddress({ ...base, recipientName: '  ' })).toMatchObject({
      ok: false,
      field: 'recipientName',
    });
    expect(validateShippingAddress({ ...base, lines: [] })).toMatchObject({ ok: false, field: 'lines' });
    expect(validateShippingAddress({ ...base, lines: ['a', ' '] })).toMatchObject({
      ok: false,
      field: 'lines[1]',
    });
    expect(validateShippingAddress({ ...base, country: 'XX' })).toMatchObject({
      ok: false,
      field: 'country',
    });
    expect(validateShippingAddress({ ...base, postalCode: null })).toMatchObject({
      ok: false,
      field: 'postalCode',
    });
    expect(validateShippingAddress({ ...base, postalCode: '12345' })).toMatchObject({
      ok: false,
      field: 'postalCode',
    });
  });

  it('does not ask for a postal code where there is none', () => {
    expect(validateShippingAddress({ ...base, postalCode: null, country: 'HK', city: 'Hong Kong' }).ok).toBe(
      true,
    );
  });
});
