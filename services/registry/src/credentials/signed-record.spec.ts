import type { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import { recordValidUntil } from './signed-record';

const issuer = { recordValidDays: 30 };
const now = new Date('2026-12-02T14:00:00.000Z');
const today = '2026-12-02';

function certification(change: Partial<OrganizationCertificationEntity>): OrganizationCertificationEntity {
  return Object.assign(new Object() as OrganizationCertificationEntity, {
    status: 'CERTIFIED',
    expiry: '2029-01-14',
    transferDeadline: null,
    ...change,
  });
}

describe("a signed record's validUntil", () => {
  it('is the freshness horizon after signing while the expiry is further away', () => {
    expect(recordValidUntil(certification({}), issuer, now, today).toISOString()).toBe(
      '2027-01-01T14:00:00.000Z',
    );
  });

  it('is the end of the expiry day when that comes first, so expiry needs no status bit', () => {
    const expiring = certification({ expiry: '2026-12-10' });
    expect(recordValidUntil(expiring, issuer, now, today).toISOString()).toBe('2026-12-11T00:00:00.000Z');
    const suspended = certification({ status: 'SUSPENDED', expiry: '2026-12-10' });
    expect(recordValidUntil(suspended, issuer, now, today).toISOString()).toBe('2026-12-11T00:00:00.000Z');
  });

  it('is the end of the transfer deadline when the RCB lost its appointment and that comes first', () => {
    const deadline = certification({ transferDeadline: '2026-12-20' });
    expect(recordValidUntil(deadline, issuer, now, today).toISOString()).toBe('2026-12-21T00:00:00.000Z');
  });

  it('is the horizon for an answer that the certification is no longer current', () => {
    for (const status of ['WITHDRAWN', 'EXPIRED'] as const) {
      expect(
        recordValidUntil(certification({ status, expiry: '2026-06-01' }), issuer, now, today).toISOString(),
      ).toBe('2027-01-01T14:00:00.000Z');
    }
    // past its expiry but not yet recorded as expired: reads EXPIRED, the same answer
    const lapsed = certification({ expiry: '2026-11-30' });
    expect(recordValidUntil(lapsed, issuer, now, today).toISOString()).toBe('2027-01-01T14:00:00.000Z');
  });
});
