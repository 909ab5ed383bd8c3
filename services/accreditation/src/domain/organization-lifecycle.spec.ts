import { ATO_STATUSES, RCB_STATUSES, type AtoStatus, type RcbStatus } from '@iso20000/scheme';
import {
  LIFECYCLE_ACTIONS,
  allowedAtoActions,
  transitionAto,
  transitionRcb,
  type LifecycleAction,
} from './organization-lifecycle';

const today = '2026-11-25';
const withReason = (action: LifecycleAction) => ({ action, reason: 'because the assessment says so', today });

// The full table, written out independently of the implementation's rule map.
const ATO_ALLOWED: Record<string, AtoStatus> = {
  'APPLIED/BEGIN_ASSESSMENT': 'UNDER_ASSESSMENT',
  'UNDER_ASSESSMENT/GRANT': 'ACCREDITED',
  'UNDER_ASSESSMENT/REJECT': 'REJECTED',
  'ACCREDITED/SUSPEND': 'SUSPENDED',
  'ACCREDITED/WITHDRAW': 'WITHDRAWN',
  'SUSPENDED/REINSTATE': 'ACCREDITED',
  'SUSPENDED/WITHDRAW': 'WITHDRAWN',
};
const RCB_ALLOWED: Record<string, RcbStatus> = {
  'APPLIED/BEGIN_ASSESSMENT': 'UNDER_ASSESSMENT',
  'UNDER_ASSESSMENT/GRANT': 'APPOINTED',
  'UNDER_ASSESSMENT/REJECT': 'REJECTED',
  'APPOINTED/SUSPEND': 'SUSPENDED',
  'APPOINTED/WITHDRAW': 'WITHDRAWN',
  'SUSPENDED/REINSTATE': 'APPOINTED',
  'SUSPENDED/WITHDRAW': 'WITHDRAWN',
};

describe('ATO lifecycle', () => {
  const cases = ATO_STATUSES.flatMap((from) => LIFECYCLE_ACTIONS.map((action) => [from, action] as const));
  it.each(cases)('%s --%s-->', (from, action) => {
    const expected = ATO_ALLOWED[`${from}/${action}`];
    const result = transitionAto(from, withReason(action));
    if (expected) {
      expect(result).toMatchObject({ ok: true, status: expected });
    } else {
      expect(result).toMatchObject({ ok: false, code: 'CONFLICT' });
      if (!result.ok) expect(result.message).toContain(`that is ${from}`);
    }
  });

  it('names the allowed actions when refusing', () => {
    const result = transitionAto('APPLIED', withReason('SUSPEND'));
    expect(result).toEqual({
      ok: false,
      code: 'CONFLICT',
      message: 'cannot suspend an ATO that is APPLIED; allowed now: begin assessing',
    });
  });

  it('says a final status is final', () => {
    const result = transitionAto('WITHDRAWN', withReason('REINSTATE'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/final/);
    expect(allowedAtoActions('REJECTED')).toEqual([]);
  });

  it.each(['REJECT', 'SUSPEND', 'WITHDRAW'] as const)('requires a reason to %s', (action) => {
    const from: AtoStatus = action === 'REJECT' ? 'UNDER_ASSESSMENT' : 'ACCREDITED';
    expect(transitionAto(from, { action, reason: '  ', today })).toMatchObject({
      ok: false,
      code: 'BAD_USER_INPUT',
    });
  });

  it('keeps a suspension end date after today, and only for a suspension', () => {
    expect(transitionAto('ACCREDITED', { ...withReason('SUSPEND'), suspendedUntil: '2027-01-31' })).toEqual({
      ok: true,
      status: 'SUSPENDED',
      reason: 'because the assessment says so',
      suspendedUntil: '2027-01-31',
    });
    expect(transitionAto('ACCREDITED', { ...withReason('SUSPEND'), suspendedUntil: today })).toMatchObject({
      ok: false,
      code: 'BAD_USER_INPUT',
    });
    expect(
      transitionAto('SUSPENDED', { ...withReason('REINSTATE'), suspendedUntil: '2027-01-31' }),
    ).toMatchObject({
      ok: false,
      code: 'BAD_USER_INPUT',
    });
  });

  it('accepts assessment and reinstatement without a reason', () => {
    expect(transitionAto('APPLIED', { action: 'BEGIN_ASSESSMENT', today })).toMatchObject({
      ok: true,
      reason: null,
    });
    expect(transitionAto('SUSPENDED', { action: 'REINSTATE', today })).toMatchObject({
      ok: true,
      status: 'ACCREDITED',
    });
  });
});

describe('RCB lifecycle', () => {
  const cases = RCB_STATUSES.flatMap((from) => LIFECYCLE_ACTIONS.map((action) => [from, action] as const));
  it.each(cases)('%s --%s-->', (from, action) => {
    const expected = RCB_ALLOWED[`${from}/${action}`];
    const result = transitionRcb(from, withReason(action));
    if (expected) expect(result).toMatchObject({ ok: true, status: expected });
    else expect(result).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it('speaks of appointment, not accreditation', () => {
    const result = transitionRcb('APPLIED', withReason('GRANT'));
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.message).toBe('cannot appoint an RCB that is APPLIED; allowed now: begin assessing');
  });
});
