import {
  addBusinessDays,
  isBusinessDay,
  isIssuanceOverdue,
  issuanceDueOn,
  parseHolidayList,
} from './business-days';

const noHolidays = { holidays: new Set<string>() };

describe('business-day due dates', () => {
  it('counts two business days within a week', () => {
    // 2026-11-23 is a Monday
    expect(addBusinessDays('2026-11-23', 2, noHolidays)).toBe('2026-11-25');
  });

  it('skips the weekend: a Thursday or Friday release is due after it', () => {
    expect(addBusinessDays('2026-11-26', 2, noHolidays)).toBe('2026-11-30'); // Thu -> Mon
    expect(addBusinessDays('2026-11-27', 2, noHolidays)).toBe('2026-12-01'); // Fri -> Tue
  });

  it('counts a weekend release from the next business day', () => {
    expect(addBusinessDays('2026-11-28', 2, noHolidays)).toBe('2026-12-01'); // Sat -> Tue
    expect(addBusinessDays('2026-11-29', 2, noHolidays)).toBe('2026-12-01'); // Sun -> Tue
  });

  it('skips configured public holidays, also next to a weekend', () => {
    const christmas = { holidays: parseHolidayList('2026-12-25, 2026-12-28') };
    // Thu 24 Dec: Fri 25 holiday, weekend, Mon 28 holiday -> Tue 29, Wed 30
    expect(addBusinessDays('2026-12-24', 2, christmas)).toBe('2026-12-30');
    expect(isBusinessDay('2026-12-25', christmas)).toBe(false);
    expect(isBusinessDay('2026-12-29', christmas)).toBe(true);
  });

  it('crosses a year end', () => {
    expect(addBusinessDays('2026-12-31', 2, { holidays: parseHolidayList('2027-01-01') })).toBe('2027-01-05');
  });

  it('computes the due date from the release instant (UTC calendar day)', () => {
    expect(issuanceDueOn(new Date('2026-11-27T23:30:00Z'), noHolidays)).toBe('2026-12-01');
  });

  it('is overdue only after the due date', () => {
    expect(isIssuanceOverdue('2026-12-01', '2026-12-01')).toBe(false);
    expect(isIssuanceOverdue('2026-12-01', '2026-12-02')).toBe(true);
  });

  it('rejects a bad holiday setting by naming the bad date', () => {
    expect(() => parseHolidayList('2026-02-30')).toThrow('2026-02-30');
    expect(() => parseHolidayList('25/12/2026')).toThrow('25/12/2026');
  });
});
