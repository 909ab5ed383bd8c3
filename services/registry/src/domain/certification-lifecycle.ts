import { RCB_ACTIVE_STATUS, type RcbStatus } from '@iso20000/scheme';
import { parseCountryCode, parseOptionalText, parseText, refuse, TEXT_LIMITS } from '@iso20000/service-kit';
import { addDays, addMonths, addYears, isCalendarDate, type CalendarDate } from './calendar-date';

/**
 * The certification lifecycle of ISO/IEC 17021-1 as plain functions: each step takes the current
 * state and returns the next one, or throws a DomainRefusal: CONFLICT naming the current status when
 * the state forbids the step, BAD_USER_INPUT when the input is wrong.
 * No SQL and no GraphQL here; the resolvers and the bulk import both go through these functions.
 */

export const CERTIFICATION_STATUSES = ['CERTIFIED', 'SUSPENDED', 'WITHDRAWN', 'EXPIRED'] as const;
export type CertificationStatus = (typeof CERTIFICATION_STATUSES)[number];

export const CERTIFICATION_STANDARDS = ['ISO_IEC_20000_1_2018', 'ISO_IEC_20000_1_2011'] as const;
export type CertificationStandard = (typeof CERTIFICATION_STANDARDS)[number];
/** The edition new certifications are issued against; 2011 is kept for history only. */
export const CURRENT_STANDARD: CertificationStandard = 'ISO_IEC_20000_1_2018';

export type CertificationChange =
  | 'ISSUED'
  | 'SUSPENDED'
  | 'REINSTATED'
  | 'WITHDRAWN'
  | 'SCOPE_REDUCED'
  | 'SCOPE_EXTENDED'
  | 'SURVEILLANCE_RECORDED'
  | 'RECERTIFIED'
  | 'EXPIRED'
  | 'TRANSFERRED'
  | 'DETAILS_UPDATED';

export interface PostalAddress {
  lines: string[];
  city: string;
  postalCode: string | null;
  country: string;
}

export interface CertifiedSite {
  address: PostalAddress;
  /** What of the scope is delivered at this site. */
  scope: string;
}

export interface SurveillanceAudit {
  dueDate: CalendarDate;
  doneOn: CalendarDate | null;
}

export interface CertificationState {
  rcbId: string;
  certificateNumber: string;
  standard: CertificationStandard;
  scope: string;
  sites: CertifiedSite[];
  originalIssueDate: CalendarDate;
  cycleStart: CalendarDate;
  expiry: CalendarDate;
  surveillanceAudits: SurveillanceAudit[];
  /** As recorded; what readers see is effectiveStatus(). */
  status: CertificationStatus;
  statusReason: string | null;
  suspendedOn: CalendarDate | null;
  suspendedUntil: CalendarDate | null;
}

export interface LifecycleStep {
  state: CertificationState;
  change: CertificationChange;
  /** The date from which the new state holds (used to answer "was it certified on ..."). */
  effectiveOn: CalendarDate;
}

const { conflict, badInput } = refuse;

/** The longest free text of each kind a certification holds (the schema documents each). */
export const LIMITS = {
  certificateNumber: 100,
  scope: TEXT_LIMITS.scope,
  reason: TEXT_LIMITS.reason,
  addressLine: TEXT_LIMITS.line,
  city: TEXT_LIMITS.line,
  postalCode: TEXT_LIMITS.postalCode,
  organizationName: TEXT_LIMITS.organizationName,
  addressLines: 5,
  otherNames: 20,
  sites: 500,
} as const;

export const CYCLE_YEARS = 3;
export const MAX_SUSPENSION_MONTHS = 6;
/** ISO/IEC 17021-1 9.6.3.3: a lapsed certification may be restored within six months of expiry. */
export const RESTORE_AFTER_EXPIRY_MONTHS = 6;

/**
 * A certification past its expiry date reads as EXPIRED even before the expiry job records it; so
 * does one whose RCB lost its appointment, past its transfer deadline (it expires then, untransferred).
 */
export function effectiveStatus(
  state: Pick<CertificationState, 'status' | 'expiry'> & { transferDeadline?: CalendarDate | null },
  today: CalendarDate,
): CertificationStatus {
  if ((state.status === 'CERTIFIED' || state.status === 'SUSPENDED') && today > lastValidDay(state))
    return 'EXPIRED';
  return state.status;
}

/** The last day a certification can be valid: its expiry, or its transfer deadline when sooner. */
export function lastValidDay(
  state: Pick<CertificationState, 'expiry'> & { transferDeadline?: CalendarDate | null },
): CalendarDate {
  return state.transferDeadline && state.transferDeadline < state.expiry
    ? state.transferDeadline
    : state.expiry;
}

export function defaultExpiry(cycleStart: CalendarDate): CalendarDate {
  return addDays(addYears(cycleStart, CYCLE_YEARS), -1);
}

/** Yearly surveillance: the first within twelve months of the decision, the second a year later. */
export function surveillanceSchedule(cycleStart: CalendarDate, expiry: CalendarDate): SurveillanceAudit[] {
  return [addYears(cycleStart, 1), addYears(cycleStart, 2)]
    .filter((due) => due < expiry)
    .map((dueDate) => ({ dueDate, doneOn: null }));
}

function requireDate(value: string, field: string): CalendarDate {
  if (!isCalendarDate(value)) throw badInput(`${field} must be a date as YYYY-MM-DD, got "${value}"`);
  return value;
}

/** Statements (scope, reasons) may run over several lines; names and address parts may not. */
const scopeText = (value: string, field: string) =>
  parseText(value, { field, max: LIMITS.scope, multiline: true });
const optionalReason = (value: string | null | undefined) =>
  parseOptionalText(value, { field: 'reason', max: LIMITS.reason, multiline: true });

function requireReason(reason: string | null | undefined, step: string): string {
  if (reason === null || reason === undefined || !reason.trim())
    throw badInput(`a reason is required to ${step}`);
  return parseText(reason, { field: 'reason', max: LIMITS.reason, multiline: true });
}

function checkCycle(cycleStart: CalendarDate, expiry: CalendarDate): void {
  if (expiry <= cycleStart) throw badInput(`expiry ${expiry} must be after the cycle start ${cycleStart}`);
  const longest = defaultExpiry(cycleStart);
  if (expiry > longest) {
    throw badInput(
      `a certification cycle lasts at most ${CYCLE_YEARS} years: expiry ${expiry} is after ${longest}`,
    );
  }
}

export function checkSites(sites: CertifiedSite[], field = 'sites'): CertifiedSite[] {
  if (sites.length > LIMITS.sites) throw badInput(`at most ${LIMITS.sites} sites per certification`);
  return sites.map((site, i) => ({
    address: checkAddress(site.address, `${field}[${i}].address`),
    scope: scopeText(site.scope, `${field}[${i}].scope`),
  }));
}

export function checkAddress(address: PostalAddress, field: string): PostalAddress {
  if (address.lines.length < 1 || address.lines.length > LIMITS.addressLines)
    throw badInput(`${field}.lines must have 1 to ${LIMITS.addressLines} lines`);
  return {
    lines: address.lines.map((line, i) =>
      parseText(line, { field: `${field}.lines[${i}]`, max: LIMITS.addressLine }),
    ),
    city: parseText(address.city, { field: `${field}.city`, max: LIMITS.city }),
    postalCode: parseOptionalText(address.postalCode, {
      field: `${field}.postalCode`,
      max: LIMITS.postalCode,
    }),
    country: parseCountryCode(address.country, `${field}.country`),
  };
}

function requireAppointed(rcbStatus: RcbStatus | null, step: string): void {
  if (rcbStatus !== RCB_ACTIVE_STATUS) {
    throw conflict(
      `the RCB is ${rcbStatus ?? 'not known to the registry'}: only an ${RCB_ACTIVE_STATUS} RCB may ${step}`,
    );
  }
}

function statusForbids(step: string, status: CertificationStatus, hint?: string) {
  return conflict(`cannot ${step} a certification that is ${status}${hint ? `: ${hint}` : ''}`);
}

export interface IssueCommand {
  rcbId: string;
  certificateNumber: string;
  standard: CertificationStandard;
  scope: string;
  sites: CertifiedSite[];
  originalIssueDate?: CalendarDate | null;
  cycleStart: CalendarDate;
  expiry?: CalendarDate | null;
}

export interface StepContext {
  today: CalendarDate;
  /** The acting RCB's appointment status, as the registry last heard from accreditation. */
  rcbStatus: RcbStatus | null;
}

/** Initial certification after a successful initial audit. */
export function issue(command: IssueCommand, ctx: StepContext): LifecycleStep {
  requireAppointed(ctx.rcbStatus, 'issue certifications');
  if (command.standard !== CURRENT_STANDARD) {
    throw badInput(
      `new certifications are issued against ISO/IEC 20000-1:2018; ${command.standard} is kept for history only`,
    );
  }
  const cycleStart = requireDate(command.cycleStart, 'cycleStart');
  const expiry = command.expiry ? requireDate(command.expiry, 'expiry') : defaultExpiry(cycleStart);
  checkCycle(cycleStart, expiry);
  if (cycleStart > addDays(ctx.today, 90))
    throw badInput(`cycleStart ${cycleStart} is more than 90 days in the future`);
  if (expiry < ctx.today)
    throw badInput(`expiry ${expiry} is in the past: an expired certification cannot be issued`);
  const originalIssueDate = command.originalIssueDate
    ? requireDate(command.originalIssueDate, 'originalIssueDate')
    : cycleStart;
  if (originalIssueDate > cycleStart)
    throw badInput(`originalIssueDate ${originalIssueDate} must not be after cycleStart ${cycleStart}`);
  return {
    change: 'ISSUED',
    // certified without interruption since the original issue (a lapse would have reset that date)
    effectiveOn: originalIssueDate,
    state: {
      rcbId: command.rcbId,
      certificateNumber: checkCertificateNumber(command.certificateNumber),
      standard: command.standard,
      scope: scopeText(command.scope, 'scope'),
      sites: checkSites(command.sites),
      originalIssueDate,
      cycleStart,
      expiry,
      surveillanceAudits: surveillanceSchedule(cycleStart, expiry),
      status: 'CERTIFIED',
      statusReason: null,
      suspendedOn: null,
      suspendedUntil: null,
    },
  };
}

export function checkCertificateNumber(value: string): string {
  const number = parseText(value, { field: 'certificateNumber', max: LIMITS.certificateNumber });
  if (!/^[A-Za-z0-9][A-Za-z0-9 ./_-]*$/.test(number)) {
    throw badInput(
      `certificateNumber "${number}" may contain letters, digits, space, '.', '/', '_' and '-' only`,
    );
  }
  return number;
}

export function suspend(
  state: CertificationState,
  command: { reason: string; until?: CalendarDate | null },
  ctx: StepContext,
): LifecycleStep {
  const status = effectiveStatus(state, ctx.today);
  if (status !== 'CERTIFIED') throw statusForbids('suspend', status);
  const reason = requireReason(command.reason, 'suspend a certification');
  const longest = addMonths(ctx.today, MAX_SUSPENSION_MONTHS);
  const until = command.until ? requireDate(command.until, 'until') : longest;
  if (until <= ctx.today) throw badInput(`the suspension must end after today (${ctx.today}), got ${until}`);
  if (until > longest)
    throw badInput(
      `a suspension lasts at most ${MAX_SUSPENSION_MONTHS} months: until must be on or before ${longest}`,
    );
  return {
    change: 'SUSPENDED',
    effectiveOn: ctx.today,
    state: {
      ...state,
      status: 'SUSPENDED',
      statusReason: reason,
      suspendedOn: ctx.today,
      suspendedUntil: until,
    },
  };
}

export function reinstate(
  state: CertificationState,
  command: { reason?: string | null },
  ctx: StepContext,
): LifecycleStep {
  const status = effectiveStatus(state, ctx.today);
  if (status !== 'SUSPENDED')
    throw statusForbids('reinstate', status, status === 'EXPIRED' ? 'recertify it instead' : undefined);
  if (state.suspendedUntil && ctx.today > state.suspendedUntil) {
    throw conflict(
      `cannot reinstate: the suspension ended on ${state.suspendedUntil} (at most ${MAX_SUSPENSION_MONTHS} months); withdraw the certification or reduce its scope`,
    );
  }
  return {
    change: 'REINSTATED',
    effectiveOn: ctx.today,
    state: {
      ...state,
      status: 'CERTIFIED',
      statusReason: optionalReason(command.reason),
      suspendedOn: null,
      suspendedUntil: null,
    },
  };
}

export function withdraw(
  state: CertificationState,
  command: { reason: string },
  ctx: StepContext,
): LifecycleStep {
  const status = effectiveStatus(state, ctx.today);
  if (status !== 'CERTIFIED' && status !== 'SUSPENDED') throw statusForbids('withdraw', status);
  return {
    change: 'WITHDRAWN',
    effectiveOn: ctx.today,
    state: {
      ...state,
      status: 'WITHDRAWN',
      statusReason: requireReason(command.reason, 'withdraw a certification'),
      suspendedOn: null,
      suspendedUntil: null,
    },
  };
}

/**
 * Reducing the scope of a suspended certification ends the suspension (17021-1 9.6.5.2: the parts
 * that failed leave the scope instead of the whole certification being withdrawn).
 */
export function reduceScope(
  state: CertificationState,
  command: { scope: string; sites: CertifiedSite[]; reason: string },
  ctx: StepContext,
): LifecycleStep {
  const status = effectiveStatus(state, ctx.today);
  if (status !== 'CERTIFIED' && status !== 'SUSPENDED') throw statusForbids('reduce the scope of', status);
  return {
    change: 'SCOPE_REDUCED',
    effectiveOn: ctx.today,
    state: {
      ...state,
      scope: scopeText(command.scope, 'scope'),
      sites: checkSites(command.sites),
      status: 'CERTIFIED',
      statusReason: requireReason(command.reason, 'reduce the scope'),
      suspendedOn: null,
      suspendedUntil: null,
    },
  };
}

export function extendScope(
  state: CertificationState,
  command: { scope: string; sites: CertifiedSite[]; reason?: string | null },
  ctx: StepContext,
): LifecycleStep {
  const status = effectiveStatus(state, ctx.today);
  if (status !== 'CERTIFIED') throw statusForbids('extend the scope of', status);
  return {
    change: 'SCOPE_EXTENDED',
    effectiveOn: ctx.today,
    state: {
      ...state,
      scope: scopeText(command.scope, 'scope'),
      sites: checkSites(command.sites),
      statusReason: optionalReason(command.reason),
    },
  };
}

export function recordSurveillance(
  state: CertificationState,
  command: { auditedOn: CalendarDate },
  ctx: StepContext,
): LifecycleStep {
  const status = effectiveStatus(state, ctx.today);
  if (status !== 'CERTIFIED') throw statusForbids('record a surveillance audit for', status);
  const auditedOn = requireDate(command.auditedOn, 'auditedOn');
  if (auditedOn > ctx.today) throw badInput(`auditedOn ${auditedOn} is in the future`);
  if (auditedOn < state.cycleStart)
    throw badInput(`auditedOn ${auditedOn} is before the current cycle started (${state.cycleStart})`);
  const index = state.surveillanceAudits.findIndex((audit) => audit.doneOn === null);
  if (index < 0)
    throw conflict(
      'every surveillance audit of this cycle is already recorded: recertify to start a new cycle',
    );
  const surveillanceAudits = state.surveillanceAudits.map((audit, i) =>
    i === index ? { ...audit, doneOn: auditedOn } : audit,
  );
  return { change: 'SURVEILLANCE_RECORDED', effectiveOn: auditedOn, state: { ...state, surveillanceAudits } };
}

export function recertify(
  state: CertificationState,
  command: {
    cycleStart: CalendarDate;
    expiry?: CalendarDate | null;
    scope?: string | null;
    sites?: CertifiedSite[] | null;
  },
  ctx: StepContext,
): LifecycleStep {
  const status = effectiveStatus(state, ctx.today);
  requireAppointed(ctx.rcbStatus, 'recertify');
  if (status === 'EXPIRED') {
    const restoreBy = addMonths(state.expiry, RESTORE_AFTER_EXPIRY_MONTHS);
    if (ctx.today > restoreBy) {
      throw conflict(
        `cannot recertify a certification that is EXPIRED since ${state.expiry} for more than ${RESTORE_AFTER_EXPIRY_MONTHS} months: issue a new certification`,
      );
    }
  } else if (status !== 'CERTIFIED') {
    throw statusForbids('recertify', status);
  }
  const cycleStart = requireDate(command.cycleStart, 'cycleStart');
  if (cycleStart <= state.cycleStart)
    throw badInput(`the new cycle must start after the current one (${state.cycleStart})`);
  if (cycleStart > addDays(ctx.today, 90))
    throw badInput(`cycleStart ${cycleStart} is more than 90 days in the future`);
  const expiry = command.expiry ? requireDate(command.expiry, 'expiry') : defaultExpiry(cycleStart);
  checkCycle(cycleStart, expiry);
  if (expiry < ctx.today) throw badInput(`expiry ${expiry} is in the past`);
  return {
    change: 'RECERTIFIED',
    effectiveOn: cycleStart,
    state: {
      ...state,
      // the standard a certification is renewed against is the current edition
      standard: CURRENT_STANDARD,
      scope: command.scope ? scopeText(command.scope, 'scope') : state.scope,
      sites: command.sites ? checkSites(command.sites) : state.sites,
      cycleStart,
      expiry,
      surveillanceAudits: surveillanceSchedule(cycleStart, expiry),
      status: 'CERTIFIED',
      statusReason: null,
      suspendedOn: null,
      suspendedUntil: null,
    },
  };
}

/**
 * The expiry job's step: only a certification past its expiry date expires, or one past the transfer
 * deadline its RCB's withdrawal set (it was not transferred in time: IAF MD 2).
 */
export function expire(
  state: CertificationState,
  ctx: Pick<StepContext, 'today'>,
  transferDeadline: CalendarDate | null = null,
): LifecycleStep {
  if (state.status !== 'CERTIFIED' && state.status !== 'SUSPENDED')
    throw statusForbids('expire', state.status);
  const last = lastValidDay({ expiry: state.expiry, transferDeadline });
  if (ctx.today <= last) throw conflict(`cannot expire a certification before its expiry date ${last}`);
  const untransferred = last < state.expiry;
  return {
    change: 'EXPIRED',
    effectiveOn: addDays(last, 1),
    state: {
      ...state,
      status: 'EXPIRED',
      statusReason: untransferred
        ? `not transferred by ${last}: its RCB lost its appointment, and a certification must move to an appointed RCB within six months (or by its expiry)`
        : null,
      suspendedOn: null,
      suspendedUntil: null,
    },
  };
}

/**
 * Transfer to another RCB (IAF MD 2): the accepting RCB takes over a valid certification; the
 * cycle dates carry over. A suspended certification is not transferable.
 */
export function transfer(
  state: CertificationState,
  command: { toRcbId: string; certificateNumber?: string | null; reason?: string | null },
  ctx: StepContext,
): LifecycleStep {
  const status = effectiveStatus(state, ctx.today);
  if (status !== 'CERTIFIED')
    throw statusForbids(
      'transfer',
      status,
      status === 'SUSPENDED' ? 'a suspended certification is not transferable' : undefined,
    );
  if (command.toRcbId === state.rcbId) throw conflict('the certification is already held by this RCB');
  requireAppointed(ctx.rcbStatus, 'accept a transferred certification');
  return {
    change: 'TRANSFERRED',
    effectiveOn: ctx.today,
    state: {
      ...state,
      rcbId: command.toRcbId,
      certificateNumber: command.certificateNumber
        ? checkCertificateNumber(command.certificateNumber)
        : state.certificateNumber,
      statusReason: optionalReason(command.reason),
    },
  };
}

/** Field names whose values differ between two states (for the history's "what changed"). */
export function changedFields(
  before: CertificationState,
  after: CertificationState,
): (keyof CertificationState)[] {
  return (Object.keys(after) as (keyof CertificationState)[]).filter(
    (key) => canonicalJson(before[key]) !== canonicalJson(after[key]),
  );
}

/** JSON with object keys sorted: PostgreSQL's jsonb does not keep the key order it was given. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
