import { checkHardCopyOrderAllowed, transitionHardCopyOrder } from './hard-copy-order';

describe('hard copy orders', () => {
  it('move pending payment -> paid -> printed -> dispatched', () => {
    expect(transitionHardCopyOrder('PENDING_PAYMENT', 'RECORD_PAYMENT')).toEqual({
      ok: true,
      status: 'PAID',
    });
    expect(transitionHardCopyOrder('PAID', 'MARK_PRINTED')).toEqual({ ok: true, status: 'PRINTED' });
    expect(transitionHardCopyOrder('PRINTED', 'MARK_DISPATCHED')).toEqual({ ok: true, status: 'DISPATCHED' });
  });

  it('an ATO-paid order waits for an address, then is paid', () => {
    expect(transitionHardCopyOrder('AWAITING_ADDRESS', 'PROVIDE_ADDRESS')).toEqual({
      ok: true,
      status: 'PAID',
    });
  });

  it('can be cancelled until printed, not after', () => {
    expect(transitionHardCopyOrder('PAID', 'CANCEL')).toEqual({ ok: true, status: 'CANCELLED' });
    const late = transitionHardCopyOrder('PRINTED', 'CANCEL');
    expect(late.ok).toBe(false);
    expect(!late.ok && late.message).toContain('PRINTED');
  });

  it('refuses skipping a step', () => {
    expect(transitionHardCopyOrder('PENDING_PAYMENT', 'MARK_PRINTED').ok).toBe(false);
    expect(transitionHardCopyOrder('PAID', 'MARK_DISPATCHED').ok).toBe(false);
  });

  it('allows one original, and a replacement only after a dispatched copy', () => {
    expect(checkHardCopyOrderAllowed('ORIGINAL', [])).toBeNull();
    expect(checkHardCopyOrderAllowed('ORIGINAL', ['CANCELLED'])).toBeNull();
    expect(checkHardCopyOrderAllowed('ORIGINAL', ['PAID'])).toContain('already on its way');
    expect(checkHardCopyOrderAllowed('ORIGINAL', ['DISPATCHED'])).toContain('REPLACEMENT');
    expect(checkHardCopyOrderAllowed('REPLACEMENT', [])).toContain('nothing to replace');
    expect(checkHardCopyOrderAllowed('REPLACEMENT', ['DISPATCHED'])).toBeNull();
    expect(checkHardCopyOrderAllowed('REPLACEMENT', ['DISPATCHED', 'PENDING_PAYMENT'])).toContain(
      'already on its way',
    );
  });
});
