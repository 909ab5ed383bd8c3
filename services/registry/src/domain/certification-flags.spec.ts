import { addDays, addMonths } from './calendar-date';
import { flagsOf, surveillanceDeadlines, type FlagInput, type FlagRule } from './certification-flags';
import type { CertificationState } from './certification-lifecycle';

/** Every limit is checked the day it falls on and the days either side. */

function state(overrides: Partial<CertificationState> = {}): CertificationState {
  return {
    rcbId: '00000000-0000-4000-8000-000000000001',
    certificateNumber: 'ITSM-1',
    standard: 'ISO_IEC_20000_1_2018',
    scope: 'IT services',
    sites: [],
    originalIssueDate: '2025-03-10',
    cycleStart: '2025-03-10',
    expiry: '2028-03-09',
    surveillanceAudits: [
      { dueDate: '2026-03-10', doneOn: null },
      { dueDate: '2027-03-10', doneOn: null },
    ],
    status: 'CERTIFIED',
    statusReason: null,
    suspendedOn: null,
    suspendedUntil: null,
    ...overrides,
  };
}

const input = (s: CertificationState, extra: Partial<FlagInput> = {}): FlagInput => ({
  state: s,
  transferDeadline: null,
  rcbStatus: 'APPOINTED',
  ...extra,
});
const rules = (i: FlagInput, asOf: string): FlagRule[] => flagsOf(i, asOf).map((f) => f.rule);

describe('surveillance overdue', () => {
  it('in the initial cycle: the first audit within 12 months of the decision, flagged the day after', () => {
    const s = state();
    const limit = addMonths(s.cycleStart, 12); // 2026-03-10
    expect(surveillanceDeadlines(s)).toEqual([limit, '2027-12-31']);
    expect(rules(input(s), addDays(limit, -1))).toEqual([]);
    expect(rules(input(s), limit)).toEqual([]);
    const [flag] = flagsOf(input(s), addDays(limit, 1));
    expect(flag).toMatchObject({ rule: 'SURVEILLANCE_OVERDUE', dueOn: limit, asOf: addDays(limit, 1) });
    expect(flag.explanation).toContain('within 12 months');
    expect(flag.clearedBy).toContain('recordSurveillanceAudit');
  });

  it('is cleared by recording the audit, and due again when a calendar year of the cycle ends without one', () => {
    const s = state({
      surveillanceAudits: [
        { dueDate: '2026-03-10', doneOn: '2026-02-20' },
        { dueDate: '2027-03-10', doneOn: null },
      ],
    });
    expect(rules(input(s), '2026-03-11')).toEqual([]);
    expect(rules(input(s), '2027-12-31')).toEqual([]);
    expect(flagsOf(input(s), '2028-01-01')).toEqual([
      expect.objectContaining({ rule: 'SURVEILLANCE_OVERDUE', dueOn: '2027-12-31' }),
    ]);
  });

  it('after a recertification: one audit each calendar year except the cycle start and recertification years', () => {
    const s = state({ originalIssueDate: '2022-03-10', cycleStart: '2025-03-10', surveillanceAudits: [] });
    expect(surveillanceDeadlines(s)).toEqual(['2026-12-31', '2027-12-31']);
    // the 12-month rule is the initial cycle's only
    expect(rules(input(s), '2026-03-11')).toEqual([]);
    expect(rules(input(s), '2026-12-31')).toEqual([]);
    expect(rules(input(s), '2027-01-01')).toEqual(['SURVEILLANCE_OVERDUE']);
  });

  it('a certification decided late in the year: its first audit is due 12 months on, the next by the end of the following year', () => {
    const s = state({ originalIssueDate: '2025-11-20', cycleStart: '2025-11-20', expiry: '2028-11-19' });
    expect(surveillanceDeadlines(s)).toEqual(['2026-11-20', '2027-12-31']);
    expect(rules(input(s), '2026-11-20')).toEqual([]);
    expect(rules(input(s), '2026-11-21')).toEqual(['SURVEILLANCE_OVERDUE']);
  });

  it('does not apply to a withdrawn certification', () => {
    expect(rules(input(state({ status: 'WITHDRAWN' })), '2027-06-01')).toEqual([]);
  });
});

describe('suspension', () => {
  const suspended = (on: string, until: string) =>
    state({
      status: 'SUSPENDED',
      suspendedOn: on,
      suspendedUntil: until,
      statusReason: 'nc',
      surveillanceAudits: [{ dueDate: '2026-03-10', doneOn: '2026-01-10' }],
    });

  it('ending within 30 days: flagged 30 days before its end, not 31', () => {
    const s = suspended('2026-02-01', '2026-07-31');
    expect(rules(input(s), '2026-06-30')).toEqual([]); // 31 days before
    const [flag] = flagsOf(input(s), '2026-07-01'); // 30 days before
    expect(flag).toMatchObject({ rule: 'SUSPENSION_ENDING', dueOn: '2026-07-31' });
    expect(flag.clearedBy).toContain('reinstateCertification');
    expect(rules(input(s), '2026-07-31')).toEqual(['SUSPENSION_ENDING']);
  });

  it('past its end (at most six months): flagged the day after, until withdrawn or reduced', () => {
    const s = suspended('2026-02-01', '2026-08-01');
    expect(addMonths('2026-02-01', 6)).toBe('2026-08-01');
    expect(rules(input(s), '2026-08-01')).toEqual(['SUSPENSION_ENDING']);
    const [flag] = flagsOf(input(s), '2026-08-02');
    expect(flag).toMatchObject({ rule: 'SUSPENSION_OVER_LIMIT', dueOn: '2026-08-01' });
    expect(flag.clearedBy).toContain('withdrawCertification');
    // a shorter suspension is over its limit the day after its own end
    expect(rules(input(suspended('2026-02-01', '2026-03-01')), '2026-03-02')).toEqual([
      'SUSPENSION_OVER_LIMIT',
    ]);
  });
});

describe('expired but restorable', () => {
  const lapsed = state({
    expiry: '2026-01-31',
    surveillanceAudits: [{ dueDate: '2025-06-01', doneOn: '2025-06-01' }],
  });

  it('from the day after expiry to six months after it, not a day longer', () => {
    expect(rules(input(lapsed), '2026-01-31')).toEqual([]);
    expect(flagsOf(input(lapsed), '2026-02-01')).toEqual([
      expect.objectContaining({ rule: 'EXPIRED_RESTORABLE', dueOn: '2026-07-31' }),
    ]);
    expect(rules(input(lapsed), '2026-07-31')).toEqual(['EXPIRED_RESTORABLE']);
    expect(rules(input(lapsed), '2026-08-01')).toEqual([]);
  });

  it('also once the expiry job recorded EXPIRED; not for an RCB that cannot recertify', () => {
    expect(rules(input({ ...lapsed, status: 'EXPIRED' }), '2026-03-01')).toEqual(['EXPIRED_RESTORABLE']);
    expect(rules(input(lapsed, { rcbStatus: 'WITHDRAWN' }), '2026-03-01')).toEqual([]);
  });
});

describe('transfer deadline', () => {
  it('flagged until its deadline; the day after, the certification has expired untransferred', () => {
    const s = state({ surveillanceAudits: [{ dueDate: '2026-03-10', doneOn: '2026-03-01' }] });
    const i = input(s, { transferDeadline: '2026-10-15', rcbStatus: 'WITHDRAWN' });
    expect(flagsOf(i, '2026-04-15')).toEqual([
      expect.objectContaining({ rule: 'TRANSFER_DEADLINE', dueOn: '2026-10-15' }),
    ]);
    expect(rules(i, '2026-10-15')).toEqual(['TRANSFER_DEADLINE']);
    // expired then, and not restorable by the withdrawn RCB
    expect(rules(i, '2026-10-16')).toEqual([]);
  });

  it('sorts several flags by urgency', () => {
    const s = state({
      status: 'SUSPENDED',
      suspendedOn: '2026-02-01',
      suspendedUntil: '2026-07-31',
      statusReason: 'nc',
    });
    const i = input(s, { transferDeadline: '2026-07-20', rcbStatus: 'WITHDRAWN' });
    expect(rules(i, '2026-07-10')).toEqual([
      'SURVEILLANCE_OVERDUE',
      'TRANSFER_DEADLINE',
      'SUSPENSION_ENDING',
    ]);
  });
});
