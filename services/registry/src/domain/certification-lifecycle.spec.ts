import { DomainRefusal } from '@iso20000/service-kit';
import { addDays, addMonths } from './calendar-date';
import {
  effectiveStatus,
  expire,
  extendScope,
  issue,
  recertify,
  recordSurveillance,
  reduceScope,
  reinstate,
  suspend,
  transfer,
  withdraw,
  type CertificationState,
  type CertificationStatus,
  type StepContext,
} from './certification-lifecycle';

const today = '2026-06-15';
const appointed: StepContext = { today, rcbStatus: 'APPOINTED' };
const site = {
  address: { lines: ['1 Main St'], city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' },
  scope: 'Service desk',
};

function certified(overrides: Partial<CertificationState> = {}): CertificationState {
  return {
    ...issue(
      {
        rcbId: 'rcb-a',
        certificateNumber: 'C-1',
        standard: 'ISO_IEC_20000_1_2018',
        scope: 'IT services',
        sites: [site],
        cycleStart: '2025-01-10',
      },
      appointed,
    ).state,
    ...overrides,
  };
}

function refusal(fn: () => unknown): DomainRefusal {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainRefusal) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('issue', () => {
  it('starts a three-year cycle with two yearly surveillance audits', () => {
    const step = issue(
      {
        rcbId: 'r',
        certificateNumber: 'C-1',
        standard: 'ISO_IEC_20000_1_2018',
        scope: 'IT',
        sites: [],
        cycleStart: '2025-01-10',
      },
      appointed,
    );
    expect(step.change).toBe('ISSUED');
    expect(step.state).toMatchObject({
      status: 'CERTIFIED',
      cycleStart: '2025-01-10',
      expiry: '2028-01-09',
      originalIssueDate: '2025-01-10',
    });
    expect(step.state.surveillanceAudits).toEqual([
      { dueDate: '2026-01-10', doneOn: null },
      { dueDate: '2027-01-10', doneOn: null },
    ]);
  });

  it.each(['SUSPENDED', 'WITHDRAWN', 'APPLIED', null] as const)(
    'is refused for an RCB that is %s',
    (rcbStatus) => {
      const err = refusal(() =>
        issue(
          {
            rcbId: 'r',
            certificateNumber: 'C',
            standard: 'ISO_IEC_20000_1_2018',
            scope: 'IT',
            sites: [],
            cycleStart: today,
          },
          { today, rcbStatus },
        ),
      );
      expect(err.code).toBe('CONFLICT');
      expect(err.message).toContain(rcbStatus ?? 'not known');
    },
  );

  it('refuses the 2011 edition, a cycle longer than three years and an empty scope', () => {
    const base = { rcbId: 'r', certificateNumber: 'C', scope: 'IT', sites: [], cycleStart: today };
    expect(refusal(() => issue({ ...base, standard: 'ISO_IEC_20000_1_2011' }, appointed)).code).toBe(
      'BAD_USER_INPUT',
    );
    expect(
      refusal(() => issue({ ...base, standard: 'ISO_IEC_20000_1_2018', expiry: '2029-06-15' }, appointed))
        .message,
    ).toContain('at most 3 years');
    expect(
      refusal(() => issue({ ...base, standard: 'ISO_IEC_20000_1_2018', scope: '  ' }, appointed)).code,
    ).toBe('BAD_USER_INPUT');
  });
});

describe('the state machine', () => {
  const states: Record<CertificationStatus, CertificationState> = {
    CERTIFIED: certified(),
    SUSPENDED: certified({
      status: 'SUSPENDED',
      suspendedOn: '2026-06-01',
      suspendedUntil: '2026-12-01',
      statusReason: 'nc',
    }),
    WITHDRAWN: certified({ status: 'WITHDRAWN', statusReason: 'gone' }),
    // lapsed more than six months ago: no longer restorable by recertification
    EXPIRED: certified({ status: 'EXPIRED', expiry: '2025-12-01' }),
  };
  const steps: Record<string, (s: CertificationState) => unknown> = {
    suspend: (s) => suspend(s, { reason: 'major nonconformity' }, appointed),
    reinstate: (s) => reinstate(s, {}, appointed),
    withdraw: (s) => withdraw(s, { reason: 'client request' }, appointed),
    reduceScope: (s) => reduceScope(s, { scope: 'less', sites: [], reason: 'site closed' }, appointed),
    extendScope: (s) => extendScope(s, { scope: 'more', sites: [site, site] }, appointed),
    recordSurveillance: (s) => recordSurveillance(s, { auditedOn: '2026-01-05' }, appointed),
    recertify: (s) => recertify(s, { cycleStart: '2026-06-01' }, appointed),
    transfer: (s) => transfer(s, { toRcbId: 'rcb-b' }, appointed),
  };
  const allowed: Record<string, CertificationStatus[]> = {
    suspend: ['CERTIFIED'],
    reinstate: ['SUSPENDED'],
    withdraw: ['CERTIFIED', 'SUSPENDED'],
    reduceScope: ['CERTIFIED', 'SUSPENDED'],
    extendScope: ['CERTIFIED'],
    recordSurveillance: ['CERTIFIED'],
    recertify: ['CERTIFIED'],
    transfer: ['CERTIFIED'],
  };
  const cases = Object.keys(steps).flatMap((step) =>
    (Object.keys(states) as CertificationStatus[]).map((status) => [step, status] as const),
  );

  it.each(cases)('%s from %s', (step, status) => {
    if (allowed[step].includes(status)) {
      expect(() => steps[step](states[status])).not.toThrow();
    } else {
      const err = refusal(() => steps[step](states[status]));
      expect(err.code).toBe('CONFLICT');
      expect(err.message).toContain(status);
    }
  });

  it('moves to the expected status', () => {
    expect(suspend(states.CERTIFIED, { reason: 'x' }, appointed).state.status).toBe('SUSPENDED');
    expect(reinstate(states.SUSPENDED, {}, appointed).state).toMatchObject({
      status: 'CERTIFIED',
      suspendedOn: null,
      suspendedUntil: null,
    });
    expect(withdraw(states.SUSPENDED, { reason: 'x' }, appointed).state.status).toBe('WITHDRAWN');
    expect(
      reduceScope(states.SUSPENDED, { scope: 'less', sites: [], reason: 'x' }, appointed).state.status,
    ).toBe('CERTIFIED');
    expect(extendScope(states.CERTIFIED, { scope: 'more', sites: [] }, appointed).state.scope).toBe('more');
  });
});

describe('suspension', () => {
  it('lasts six months by default and never longer', () => {
    const step = suspend(certified(), { reason: 'nc' }, appointed);
    expect(step.state).toMatchObject({
      suspendedOn: today,
      suspendedUntil: addMonths(today, 6),
      statusReason: 'nc',
    });
    const err = refusal(() =>
      suspend(certified(), { reason: 'nc', until: addDays(addMonths(today, 6), 1) }, appointed),
    );
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.message).toContain('at most 6 months');
  });

  it('needs a reason', () => {
    expect(refusal(() => suspend(certified(), { reason: ' ' }, appointed)).code).toBe('BAD_USER_INPUT');
  });

  it('cannot be reinstated once its six months are over', () => {
    const suspended = suspend(certified(), { reason: 'nc' }, appointed).state;
    const later = { ...appointed, today: addDays(suspended.suspendedUntil as string, 1) };
    const err = refusal(() => reinstate(suspended, {}, later));
    expect(err.message).toContain('withdraw the certification or reduce its scope');
    expect(withdraw(suspended, { reason: 'unresolved' }, later).state.status).toBe('WITHDRAWN');
  });
});

describe('expiry', () => {
  const lapsed = certified({ expiry: '2026-06-14' });

  it('reads as EXPIRED the day after the expiry date, before the job records it', () => {
    expect(effectiveStatus(lapsed, '2026-06-14')).toBe('CERTIFIED');
    expect(effectiveStatus(lapsed, '2026-06-15')).toBe('EXPIRED');
    expect(effectiveStatus({ ...lapsed, status: 'SUSPENDED' }, '2026-06-15')).toBe('EXPIRED');
    expect(effectiveStatus({ ...lapsed, status: 'WITHDRAWN' }, '2026-06-15')).toBe('WITHDRAWN');
  });

  it('is recorded by the job from the day after the expiry date, and not before', () => {
    const step = expire(lapsed, { today });
    expect(step).toMatchObject({
      change: 'EXPIRED',
      effectiveOn: '2026-06-15',
      state: { status: 'EXPIRED' },
    });
    expect(refusal(() => expire(certified(), { today })).code).toBe('CONFLICT');
    expect(refusal(() => expire({ ...lapsed, status: 'WITHDRAWN' }, { today })).message).toContain(
      'WITHDRAWN',
    );
  });

  it('forbids suspending or transferring an expired certification even before the job ran', () => {
    expect(refusal(() => suspend(lapsed, { reason: 'x' }, appointed)).message).toContain('EXPIRED');
    expect(refusal(() => transfer(lapsed, { toRcbId: 'b' }, appointed)).message).toContain('EXPIRED');
  });

  it('may be restored by recertification within six months, not after', () => {
    expect(recertify(lapsed, { cycleStart: today }, appointed).state).toMatchObject({
      status: 'CERTIFIED',
      cycleStart: today,
    });
    const late = { ...appointed, today: '2027-01-01' };
    expect(refusal(() => recertify(lapsed, { cycleStart: '2026-12-20' }, late)).message).toContain(
      'issue a new certification',
    );
  });
});

describe('surveillance and recertification', () => {
  it('records the yearly audits in order, then asks for recertification', () => {
    let state = certified();
    state = recordSurveillance(state, { auditedOn: '2026-01-05' }, appointed).state;
    state = recordSurveillance(state, { auditedOn: '2026-06-01' }, appointed).state;
    expect(state.surveillanceAudits.map((a) => a.doneOn)).toEqual(['2026-01-05', '2026-06-01']);
    expect(refusal(() => recordSurveillance(state, { auditedOn: today }, appointed)).message).toContain(
      'recertify',
    );
    expect(
      refusal(() => recordSurveillance(certified(), { auditedOn: '2026-07-01' }, appointed)).message,
    ).toContain('future');
  });

  it('starts a new cycle with new surveillance dates, keeping the original issue date', () => {
    const step = recertify(certified(), { cycleStart: '2026-06-01' }, appointed);
    expect(step.state).toMatchObject({
      cycleStart: '2026-06-01',
      expiry: '2029-05-31',
      originalIssueDate: '2025-01-10',
    });
    expect(step.state.surveillanceAudits[0]).toEqual({ dueDate: '2027-06-01', doneOn: null });
    expect(refusal(() => recertify(certified(), { cycleStart: '2024-01-01' }, appointed)).code).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('is refused to a suspended or withdrawn RCB', () => {
    const err = refusal(() =>
      recertify(certified(), { cycleStart: '2026-06-01' }, { today, rcbStatus: 'SUSPENDED' }),
    );
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toContain('SUSPENDED');
  });
});

describe('transfer', () => {
  it('moves the certification to the accepting RCB with the cycle dates unchanged', () => {
    const before = certified();
    const step = transfer(before, { toRcbId: 'rcb-b', certificateNumber: 'B-77' }, appointed);
    expect(step.state).toMatchObject({
      rcbId: 'rcb-b',
      certificateNumber: 'B-77',
      cycleStart: before.cycleStart,
      expiry: before.expiry,
      status: 'CERTIFIED',
    });
  });

  it('is refused while suspended, to the same RCB, and to an RCB that is not appointed', () => {
    expect(
      refusal(() => transfer(certified({ status: 'SUSPENDED' }), { toRcbId: 'b' }, appointed)).message,
    ).toContain('SUSPENDED');
    expect(refusal(() => transfer(certified(), { toRcbId: 'rcb-a' }, appointed)).code).toBe('CONFLICT');
    expect(
      refusal(() => transfer(certified(), { toRcbId: 'b' }, { today, rcbStatus: 'WITHDRAWN' })).message,
    ).toContain('WITHDRAWN');
  });
});
