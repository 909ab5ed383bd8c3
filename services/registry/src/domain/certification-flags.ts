import type { RcbStatus } from '@iso20000/scheme';
import { RCB_ACTIVE_STATUS } from '@iso20000/scheme';
import { addDays, addMonths, type CalendarDate } from './calendar-date';
import {
  effectiveStatus,
  lastValidDay,
  MAX_SUSPENSION_MONTHS,
  RESTORE_AFTER_EXPIRY_MONTHS,
  type CertificationState,
} from './certification-lifecycle';

/**
 * The registry's rule engine: the ISO/IEC 17021-1 timings (and IAF MD 2's transfer deadline) as
 * plain functions of a certification's state and a date. Each flag names its rule, the limit it
 * checks, the date it was computed against and what clears it.
 */

export const FLAG_RULES = [
  'SURVEILLANCE_OVERDUE',
  'SUSPENSION_ENDING',
  'SUSPENSION_OVER_LIMIT',
  'EXPIRED_RESTORABLE',
  'TRANSFER_DEADLINE',
] as const;
export type FlagRule = (typeof FLAG_RULES)[number];

/** ISO/IEC 17021-1 9.6.2.2: the first surveillance audit within 12 months of the certification decision. */
export const FIRST_SURVEILLANCE_MONTHS = 12;
/** A suspension ending within this many days is on the worklist. */
export const SUSPENSION_ENDING_DAYS = 30;

export interface CertificationFlag {
  rule: FlagRule;
  /** The limit: the date missed (overdue) or the date coming (ending, deadline, restore by). */
  dueOn: CalendarDate;
  /** The date the rules were evaluated against. */
  asOf: CalendarDate;
  /** What the rule says, for this certification. */
  explanation: string;
  /** What would clear the flag. */
  clearedBy: string;
}

export interface FlagInput {
  state: CertificationState;
  /** Set when the holding RCB lost its appointment. */
  transferDeadline: CalendarDate | null;
  /** The holding RCB's appointment status (recertification needs an APPOINTED RCB). */
  rcbStatus: RcbStatus | null;
}

const year = (date: CalendarDate) => Number(date.slice(0, 4));
const yearEnd = (y: number): CalendarDate => `${String(y).padStart(4, '0')}-12-31`;

/**
 * The dates by which the k-th surveillance audit of the current cycle is due: one each calendar year
 * of the cycle other than the one it starts in (the certification or recertification audit) and the
 * one it expires in (the recertification year); in the initial cycle the first is due within 12
 * months of the decision (the cycle start), whichever comes first.
 */
export function surveillanceDeadlines(state: CertificationState): CalendarDate[] {
  const deadlines: CalendarDate[] = [];
  for (let y = year(state.cycleStart) + 1; y < year(state.expiry); y++) deadlines.push(yearEnd(y));
  if (state.cycleStart === state.originalIssueDate) {
    const first = addMonths(state.cycleStart, FIRST_SURVEILLANCE_MONTHS);
    if (first < state.expiry) {
      if (deadlines.length === 0) deadlines.push(first);
      else if (first < deadlines[0]) deadlines[0] = first;
    }
  }
  return deadlines;
}

function surveillanceFlag(state: CertificationState, asOf: CalendarDate): CertificationFlag | null {
  const done = state.surveillanceAudits.filter(
    (a) => a.doneOn !== null && a.doneOn >= state.cycleStart,
  ).length;
  const deadlines = surveillanceDeadlines(state);
  const due = deadlines.filter((deadline) => deadline < asOf).length;
  if (done >= due) return null;
  const missed = deadlines[done];
  const initial = state.cycleStart === state.originalIssueDate && done === 0;
  return {
    rule: 'SURVEILLANCE_OVERDUE',
    dueOn: missed,
    asOf,
    explanation:
      initial && missed < yearEnd(year(missed))
        ? `ISO/IEC 17021-1: the first surveillance audit after the certification decision (${state.cycleStart}) is due within ${FIRST_SURVEILLANCE_MONTHS} months, by ${missed}; none is recorded`
        : `ISO/IEC 17021-1: at least one surveillance audit each calendar year of the cycle except the recertification year; ${due} were due by ${asOf} (the latest by ${deadlines[due - 1]}), ${done} recorded`,
    clearedBy:
      'recording the surveillance audit (recordSurveillanceAudit, or its doneOn in the bulk import); a recertification starts a new cycle',
  };
}

function suspensionFlag(state: CertificationState, asOf: CalendarDate): CertificationFlag | null {
  if (!state.suspendedOn) return null;
  const limit = addMonths(state.suspendedOn, MAX_SUSPENSION_MONTHS);
  const ends = state.suspendedUntil && state.suspendedUntil < limit ? state.suspendedUntil : limit;
  if (asOf > ends) {
    return {
      rule: 'SUSPENSION_OVER_LIMIT',
      dueOn: ends,
      asOf,
      explanation: `suspended since ${state.suspendedOn} until ${ends} (ISO/IEC 17021-1: at most ${MAX_SUSPENSION_MONTHS} months, then reinstated, reduced or withdrawn); it has ended without a decision`,
      clearedBy:
        'withdrawing the certification (withdrawCertification) or reducing its scope (reduceCertificationScope); reinstatement is refused once the suspension ended',
    };
  }
  if (ends <= addDays(asOf, SUSPENSION_ENDING_DAYS)) {
    return {
      rule: 'SUSPENSION_ENDING',
      dueOn: ends,
      asOf,
      explanation: `the suspension ends on ${ends}, within ${SUSPENSION_ENDING_DAYS} days (ISO/IEC 17021-1: at most ${MAX_SUSPENSION_MONTHS} months)`,
      clearedBy:
        'reinstating (reinstateCertification), reducing the scope (reduceCertificationScope) or withdrawing (withdrawCertification) before it ends',
    };
  }
  return null;
}

function restorableFlag(input: FlagInput, asOf: CalendarDate): CertificationFlag | null {
  const { state } = input;
  // an expiry by the transfer deadline is not restorable by the RCB that lost its appointment
  if (lastValidDay({ expiry: state.expiry, transferDeadline: input.transferDeadline }) < state.expiry)
    return null;
  if (input.rcbStatus !== RCB_ACTIVE_STATUS) return null;
  const restoreBy = addMonths(state.expiry, RESTORE_AFTER_EXPIRY_MONTHS);
  if (asOf > restoreBy) return null;
  return {
    rule: 'EXPIRED_RESTORABLE',
    dueOn: restoreBy,
    asOf,
    explanation: `expired on ${state.expiry}; ISO/IEC 17021-1 lets it be restored by recertification within ${RESTORE_AFTER_EXPIRY_MONTHS} months, by ${restoreBy}`,
    clearedBy: `recertifying it (recertifyCertification) by ${restoreBy}; after that only a new certification`,
  };
}

/** Every flag a certification carries on `asOf`, most urgent (earliest limit) first. */
export function flagsOf(input: FlagInput, asOf: CalendarDate): CertificationFlag[] {
  const status = effectiveStatus({ ...input.state, transferDeadline: input.transferDeadline }, asOf);
  const flags: (CertificationFlag | null)[] = [];
  if (status === 'CERTIFIED' || status === 'SUSPENDED') {
    flags.push(surveillanceFlag(input.state, asOf));
    if (status === 'SUSPENDED') flags.push(suspensionFlag(input.state, asOf));
    if (input.transferDeadline) {
      flags.push({
        rule: 'TRANSFER_DEADLINE',
        dueOn: input.transferDeadline,
        asOf,
        explanation: `its RCB lost its appointment: IAF MD 2 gives its certifications six months (or until expiry, whichever is sooner) to move to an appointed RCB, by ${input.transferDeadline}; untransferred, it expires then`,
        clearedBy:
          'a completed transfer to an appointed RCB (requestCertificationTransfer with a transfer code from scheme staff)',
      });
    }
  } else if (status === 'EXPIRED') {
    flags.push(restorableFlag(input, asOf));
  }
  return flags
    .filter((flag): flag is CertificationFlag => flag !== null)
    .sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : a.rule < b.rule ? -1 : 1));
}
