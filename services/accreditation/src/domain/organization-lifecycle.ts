import { ATO_ACTIVE_STATUS, RCB_ACTIVE_STATUS, type AtoStatus, type RcbStatus } from '@iso20000/scheme';

/**
 * The accreditation lifecycle shared by ATOs (accredited) and RCBs (appointed):
 * applied -> under assessment -> granted | rejected; granted -> suspended -> granted (reinstated);
 * granted | suspended -> withdrawn. Rejected and withdrawn are final: an organization applies anew.
 */

export type LifecycleAction = 'BEGIN_ASSESSMENT' | 'GRANT' | 'REJECT' | 'SUSPEND' | 'REINSTATE' | 'WITHDRAW';

export const LIFECYCLE_ACTIONS: readonly LifecycleAction[] = [
  'BEGIN_ASSESSMENT',
  'GRANT',
  'REJECT',
  'SUSPEND',
  'REINSTATE',
  'WITHDRAW',
];

/** Statuses in the lifecycle's own words; GRANTED is ACCREDITED for an ATO and APPOINTED for an RCB. */
type GenericStatus = 'APPLIED' | 'UNDER_ASSESSMENT' | 'GRANTED' | 'REJECTED' | 'SUSPENDED' | 'WITHDRAWN';

const TRANSITIONS: Readonly<Record<LifecycleAction, { from: readonly GenericStatus[]; to: GenericStatus }>> =
  {
    BEGIN_ASSESSMENT: { from: ['APPLIED'], to: 'UNDER_ASSESSMENT' },
    GRANT: { from: ['UNDER_ASSESSMENT'], to: 'GRANTED' },
    REJECT: { from: ['UNDER_ASSESSMENT'], to: 'REJECTED' },
    SUSPEND: { from: ['GRANTED'], to: 'SUSPENDED' },
    REINSTATE: { from: ['SUSPENDED'], to: 'GRANTED' },
    WITHDRAW: { from: ['GRANTED', 'SUSPENDED'], to: 'WITHDRAWN' },
  };

/** Actions that change what an organization may do must say why (kept in the history and the event). */
const REASON_REQUIRED: ReadonlySet<LifecycleAction> = new Set(['REJECT', 'SUSPEND', 'WITHDRAW']);

export interface TransitionRequest {
  action: LifecycleAction;
  reason?: string | null;
  /** SUSPEND only: the planned end of the suspension (YYYY-MM-DD), if known. */
  suspendedUntil?: string | null;
  /** Today (YYYY-MM-DD), so a suspension cannot end in the past. */
  today: string;
}

export type TransitionResult<S extends string> =
  | { ok: true; status: S; reason: string | null; suspendedUntil: string | null }
  | { ok: false; code: 'CONFLICT' | 'BAD_USER_INPUT'; message: string };

interface Vocabulary<S extends string> {
  kind: 'ATO' | 'RCB';
  granted: S;
  toGeneric(status: S): GenericStatus;
  fromGeneric(status: GenericStatus): S;
}

function vocabularyOf<S extends string>(kind: 'ATO' | 'RCB', granted: S): Vocabulary<S> {
  return {
    kind,
    granted,
    toGeneric: (s) => (s === granted ? 'GRANTED' : (s as Exclude<GenericStatus, 'GRANTED'>)),
    fromGeneric: (s) => (s === 'GRANTED' ? granted : (s as S)),
  };
}

const ATO_VOCABULARY = vocabularyOf<AtoStatus>('ATO', ATO_ACTIVE_STATUS);
const RCB_VOCABULARY = vocabularyOf<RcbStatus>('RCB', RCB_ACTIVE_STATUS);

function transition<S extends string>(
  vocabulary: Vocabulary<S>,
  current: S,
  request: TransitionRequest,
): TransitionResult<S> {
  const rule = TRANSITIONS[request.action];
  const from = vocabulary.toGeneric(current);
  if (!rule.from.includes(from)) {
    const allowed = allowedActions(vocabulary, current);
    return {
      ok: false,
      code: 'CONFLICT',
      message:
        `cannot ${describe(request.action, vocabulary)} an ${vocabulary.kind} that is ${current}` +
        (allowed.length
          ? `; allowed now: ${allowed.map((a) => describe(a, vocabulary)).join(', ')}`
          : '; its status is final'),
    };
  }
  const reason = request.reason?.trim() ? request.reason.trim() : null;
  if (REASON_REQUIRED.has(request.action) && !reason) {
    return {
      ok: false,
      code: 'BAD_USER_INPUT',
      message: `a reason is required to ${describe(request.action, vocabulary)} an ${vocabulary.kind}`,
    };
  }
  const suspendedUntil = request.action === 'SUSPEND' ? (request.suspendedUntil ?? null) : null;
  if (request.action !== 'SUSPEND' && request.suspendedUntil) {
    return { ok: false, code: 'BAD_USER_INPUT', message: 'an end date only applies to a suspension' };
  }
  if (suspendedUntil !== null && suspendedUntil <= request.today) {
    return {
      ok: false,
      code: 'BAD_USER_INPUT',
      message: `the suspension end date must be after today (${request.today})`,
    };
  }
  return { ok: true, status: vocabulary.fromGeneric(rule.to), reason, suspendedUntil };
}

function allowedActions<S extends string>(vocabulary: Vocabulary<S>, current: S): LifecycleAction[] {
  const from = vocabulary.toGeneric(current);
  return LIFECYCLE_ACTIONS.filter((action) => TRANSITIONS[action].from.includes(from));
}

function describe<S extends string>(action: LifecycleAction, vocabulary: Vocabulary<S>): string {
  switch (action) {
    case 'BEGIN_ASSESSMENT':
      return 'begin assessing';
    case 'GRANT':
      return vocabulary.kind === 'ATO' ? 'accredit' : 'appoint';
    case 'REJECT':
      return 'reject';
    case 'SUSPEND':
      return 'suspend';
    case 'REINSTATE':
      return 'reinstate';
    case 'WITHDRAW':
      return 'withdraw';
  }
}

export function transitionAto(current: AtoStatus, request: TransitionRequest): TransitionResult<AtoStatus> {
  return transition(ATO_VOCABULARY, current, request);
}

export function transitionRcb(current: RcbStatus, request: TransitionRequest): TransitionResult<RcbStatus> {
  return transition(RCB_VOCABULARY, current, request);
}

export function allowedAtoActions(current: AtoStatus): LifecycleAction[] {
  return allowedActions(ATO_VOCABULARY, current);
}

/** Suspended or withdrawn: granted once, so records elsewhere that name it keep its name. */
export function isOnceGranted(status: AtoStatus | RcbStatus): boolean {
  return status === 'SUSPENDED' || status === 'WITHDRAWN';
}
