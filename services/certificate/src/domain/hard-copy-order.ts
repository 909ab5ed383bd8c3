/**
 * A hard copy's life: an order placed by the candidate waits for payment; one placed because the
 * ATO asked for paper waits for the candidate's address (the ATO's course fee covers it); then it
 * is printed and dispatched with a tracking reference, or cancelled before printing.
 */
export type HardCopyOrderStatus =
  'AWAITING_ADDRESS' | 'PENDING_PAYMENT' | 'PAID' | 'PRINTED' | 'DISPATCHED' | 'CANCELLED';
export type HardCopyKind = 'ORIGINAL' | 'REPLACEMENT';
export type HardCopyOrigin = 'CANDIDATE_ORDER' | 'ATO_DELIVERY_PREFERENCE';
export type HardCopyRecipient = 'CANDIDATE' | 'ATO';

export type HardCopyAction =
  'PROVIDE_ADDRESS' | 'RECORD_PAYMENT' | 'MARK_PRINTED' | 'MARK_DISPATCHED' | 'CANCEL';

const TRANSITIONS: Record<HardCopyAction, Partial<Record<HardCopyOrderStatus, HardCopyOrderStatus>>> = {
  PROVIDE_ADDRESS: { AWAITING_ADDRESS: 'PAID' },
  RECORD_PAYMENT: { PENDING_PAYMENT: 'PAID' },
  MARK_PRINTED: { PAID: 'PRINTED' },
  MARK_DISPATCHED: { PRINTED: 'DISPATCHED' },
  CANCEL: { AWAITING_ADDRESS: 'CANCELLED', PENDING_PAYMENT: 'CANCELLED', PAID: 'CANCELLED' },
};

const ACTION_WORDS: Record<HardCopyAction, string> = {
  PROVIDE_ADDRESS: 'take a shipping address',
  RECORD_PAYMENT: 'record a payment',
  MARK_PRINTED: 'be marked printed',
  MARK_DISPATCHED: 'be marked dispatched',
  CANCEL: 'be cancelled',
};

export type TransitionResult = { ok: true; status: HardCopyOrderStatus } | { ok: false; message: string };

export function transitionHardCopyOrder(
  status: HardCopyOrderStatus,
  action: HardCopyAction,
): TransitionResult {
  const next = TRANSITIONS[action][status];
  if (next) return { ok: true, status: next };
  const from = Object.keys(TRANSITIONS[action]).join(' or ');
  return {
    ok: false,
    message: `This order is ${status} and cannot ${ACTION_WORDS[action]}; only an order that is ${from} can.`,
  };
}

/**
 * ORIGINAL: the first paper copy, refused when one is already ordered. REPLACEMENT: for a copy
 * that was lost, allowed only once a copy was dispatched and no other order is still in progress.
 */
export function checkHardCopyOrderAllowed(
  kind: HardCopyKind,
  existing: readonly HardCopyOrderStatus[],
): string | null {
  const inProgress = existing.some((s) => s !== 'CANCELLED' && s !== 'DISPATCHED');
  if (inProgress)
    return 'A hard copy of this certificate is already on its way; wait for it or cancel that order first.';
  const dispatched = existing.some((s) => s === 'DISPATCHED');
  if (kind === 'ORIGINAL' && dispatched) {
    return 'A hard copy of this certificate was already dispatched; order a REPLACEMENT if it was lost.';
  }
  if (kind === 'REPLACEMENT' && !dispatched) {
    return 'No hard copy of this certificate has been dispatched yet, so there is nothing to replace; order an ORIGINAL.';
  }
  return null;
}
