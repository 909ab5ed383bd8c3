import { DomainRefusal, parseCountryCode, parseOptionalText, parseText, refuse } from '@iso20000/service-kit';
import { addMonths, isCalendarDate, type CalendarDate } from './calendar-date';
import {
  canonicalJson,
  changedFields,
  checkAddress,
  checkSites,
  CURRENT_STANDARD,
  defaultExpiry,
  effectiveStatus,
  issue,
  LIMITS,
  MAX_SUSPENSION_MONTHS,
  recertify,
  reinstate,
  suspend,
  surveillanceSchedule,
  withdraw,
  type CertificationChange,
  type CertificationStandard,
  type CertificationState,
  type CertifiedSite,
  type LifecycleStep,
  type PostalAddress,
  type StepContext,
  type SurveillanceAudit,
} from './certification-lifecycle';

/**
 * One record of an RCB's bulk import: the whole certification as the RCB holds it, matched on its
 * certificate number. Planning is pure: it decides created / updated / unchanged / rejected for
 * one record, so an invalid record can never affect another.
 */
export interface OrganizationDetails {
  legalName: string;
  otherNames: string[];
  country: string;
  address: PostalAddress;
  publicListing: boolean;
}

export interface ImportRecord {
  certificateNumber: string;
  organization: OrganizationDetails;
  standard: CertificationStandard;
  scope: string;
  sites: CertifiedSite[];
  originalIssueDate?: CalendarDate | null;
  cycleStart: CalendarDate;
  expiry?: CalendarDate | null;
  surveillanceAudits?: SurveillanceAudit[] | null;
  /** CERTIFIED when absent. EXPIRED is never imported: it follows from the dates. */
  status?: 'CERTIFIED' | 'SUSPENDED' | 'WITHDRAWN' | null;
  statusReason?: string | null;
  suspendedUntil?: CalendarDate | null;
  /** Optimistic concurrency for updates: the version the RCB last read. */
  expectedVersion?: number | null;
}

export interface ExistingCertification {
  version: number;
  state: CertificationState;
  organization: OrganizationDetails;
}

export type ImportPlan =
  | { outcome: 'CREATED'; step: LifecycleStep; organization: OrganizationDetails }
  | {
      outcome: 'UPDATED';
      step: LifecycleStep;
      organization: OrganizationDetails;
      organizationChanged: boolean;
      changedFields: string[];
    }
  | { outcome: 'UNCHANGED' }
  | { outcome: 'REJECTED'; code: DomainRefusal['code']; reasons: string[] };

/** The organization's details, checked; `field` names the organization in refusals. */
export function checkOrganization(org: OrganizationDetails, field = 'organization'): OrganizationDetails {
  const nameRule = (name: string) => ({ field: name, max: LIMITS.organizationName, shownPublicly: true });
  if (org.otherNames.length > LIMITS.otherNames)
    throw refuse.badInput(`${field}.otherNames: at most ${LIMITS.otherNames} names`);
  return {
    legalName: parseText(org.legalName, nameRule(`${field}.legalName`)),
    otherNames: org.otherNames
      .filter((name) => name.trim())
      .map((name, i) => parseText(name, nameRule(`${field}.otherNames[${i}]`))),
    country: parseCountryCode(org.country, `${field}.country`),
    address: checkAddress(org.address, `${field}.address`),
    publicListing: org.publicListing,
  };
}

function checkSurveillance(
  audits: SurveillanceAudit[],
  cycleStart: CalendarDate,
  expiry: CalendarDate,
  today: CalendarDate,
): SurveillanceAudit[] {
  if (audits.length > 3) throw refuse.badInput('at most 3 surveillance audits per cycle');
  return audits.map((audit, i) => {
    if (!isCalendarDate(audit.dueDate))
      throw refuse.badInput(`surveillanceAudits[${i}].dueDate must be YYYY-MM-DD`);
    if (audit.dueDate <= cycleStart || audit.dueDate >= expiry) {
      throw refuse.badInput(
        `surveillanceAudits[${i}].dueDate ${audit.dueDate} must fall inside the cycle ${cycleStart}..${expiry}`,
      );
    }
    if (audit.doneOn !== null) {
      if (!isCalendarDate(audit.doneOn))
        throw refuse.badInput(`surveillanceAudits[${i}].doneOn must be YYYY-MM-DD`);
      if (audit.doneOn < cycleStart || audit.doneOn > today) {
        throw refuse.badInput(
          `surveillanceAudits[${i}].doneOn ${audit.doneOn} must be between the cycle start and today`,
        );
      }
    }
    return { dueDate: audit.dueDate, doneOn: audit.doneOn };
  });
}

function rejected(err: unknown): ImportPlan {
  if (err instanceof DomainRefusal) return { outcome: 'REJECTED', code: err.code, reasons: [err.message] };
  throw err;
}

/** Decides what one record does; never throws for a wrong record (it is REJECTED with the reason). */
export function planImport(
  rcbId: string,
  record: ImportRecord,
  existing: ExistingCertification | null,
  ctx: StepContext,
  field = 'record',
): ImportPlan {
  try {
    const organization = checkOrganization(record.organization, `${field}.organization`);
    // a blank scope on an update keeps the current one; a new certification refuses it
    const scope = parseOptionalText(record.scope, {
      field: `${field}.scope`,
      max: LIMITS.scope,
      multiline: true,
    });
    const checked = {
      ...record,
      scope: scope ?? '',
      sites: checkSites(record.sites, `${field}.sites`),
    };
    return existing
      ? planUpdate(checked, existing, organization, ctx)
      : planCreate(rcbId, checked, organization, ctx);
  } catch (err) {
    return rejected(err);
  }
}

function planCreate(
  rcbId: string,
  record: ImportRecord,
  organization: OrganizationDetails,
  ctx: StepContext,
): ImportPlan {
  if (record.expectedVersion) {
    throw refuse.conflict(
      `expectedVersion ${record.expectedVersion} given, but the RCB holds no certification ${record.certificateNumber}`,
    );
  }
  const status = record.status ?? 'CERTIFIED';
  const expiry =
    record.expiry ?? (isCalendarDate(record.cycleStart) ? defaultExpiry(record.cycleStart) : null);
  // Records of the past (2011 edition, already lapsed or withdrawn) are accepted for history;
  // what is live must pass the same checks as a single issue.
  const historical = status === 'WITHDRAWN' || (expiry !== null && expiry < ctx.today);
  if (record.standard !== CURRENT_STANDARD && !historical) {
    throw refuse.badInput(
      `a live certification must be against ISO/IEC 20000-1:2018; ${record.standard} is accepted only for withdrawn or expired records`,
    );
  }
  const step = issue(
    { ...record, rcbId, standard: CURRENT_STANDARD, expiry },
    // history records may have expired: check the dates as of the cycle start
    {
      ...ctx,
      today:
        historical && expiry ? (record.cycleStart < ctx.today ? record.cycleStart : ctx.today) : ctx.today,
    },
  );
  let state: CertificationState = { ...step.state, standard: record.standard };
  if (record.surveillanceAudits)
    state.surveillanceAudits = checkSurveillance(
      record.surveillanceAudits,
      state.cycleStart,
      state.expiry,
      ctx.today,
    );
  if (status === 'SUSPENDED') {
    state = suspend(state, { reason: record.statusReason ?? '', until: record.suspendedUntil }, ctx).state;
  } else if (status === 'WITHDRAWN') {
    state = withdraw(state, { reason: record.statusReason ?? '' }, { ...ctx, today: state.cycleStart }).state;
  }
  return { outcome: 'CREATED', step: { ...step, state }, organization };
}

function sameOrganization(a: OrganizationDetails, b: OrganizationDetails): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function planUpdate(
  record: ImportRecord,
  existing: ExistingCertification,
  organization: OrganizationDetails,
  ctx: StepContext,
): ImportPlan {
  if (record.expectedVersion && record.expectedVersion !== existing.version) {
    throw refuse.conflict(
      `stale version: expected ${record.expectedVersion}, the certification is at version ${existing.version}`,
    );
  }
  const current = existing.state;
  const currentStatus = effectiveStatus(current, ctx.today);
  const wantedStatus = record.status ?? 'CERTIFIED';
  let step: LifecycleStep = { change: 'DETAILS_UPDATED', effectiveOn: ctx.today, state: current };

  if (record.cycleStart !== current.cycleStart) {
    step = recertify(
      current,
      { cycleStart: record.cycleStart, expiry: record.expiry, scope: record.scope, sites: record.sites },
      ctx,
    );
    step = { ...step, state: { ...step.state, standard: record.standard } };
  }
  const statusNow = effectiveStatus(step.state, ctx.today);
  if (wantedStatus !== statusNow && !(statusNow === 'EXPIRED' && wantedStatus === 'CERTIFIED')) {
    const base = step.state;
    const next =
      wantedStatus === 'SUSPENDED'
        ? suspend(base, { reason: record.statusReason ?? '', until: record.suspendedUntil }, ctx)
        : wantedStatus === 'WITHDRAWN'
          ? withdraw(base, { reason: record.statusReason ?? '' }, ctx)
          : reinstate(base, { reason: record.statusReason }, ctx);
    step = step.change === 'DETAILS_UPDATED' ? next : { ...step, state: next.state };
  } else if (
    wantedStatus === 'SUSPENDED' &&
    record.suspendedUntil &&
    record.suspendedUntil !== step.state.suspendedUntil
  ) {
    // a suspension is not extended past its limit by re-importing it
    const limit = addMonths(step.state.suspendedOn ?? ctx.today, MAX_SUSPENSION_MONTHS);
    if (record.suspendedUntil > limit) {
      throw refuse.badInput(
        `a suspension lasts at most ${MAX_SUSPENSION_MONTHS} months: suspendedUntil must be on or before ${limit}`,
      );
    }
    step = { ...step, state: { ...step.state, suspendedUntil: record.suspendedUntil } };
  } else if (
    currentStatus === 'EXPIRED' &&
    wantedStatus === 'CERTIFIED' &&
    record.cycleStart === current.cycleStart
  ) {
    throw refuse.conflict(
      `the certification is EXPIRED since ${current.expiry}: send a new cycleStart to recertify it`,
    );
  }

  // Corrections of the details; they do not move the lifecycle.
  const corrected: CertificationState = { ...step.state };
  if (step.change !== 'RECERTIFIED') {
    corrected.standard = record.standard;
    corrected.scope = record.scope.trim() || corrected.scope;
    corrected.sites = checkSites(record.sites);
    if (record.expiry && record.expiry !== corrected.expiry) {
      const longest = defaultExpiry(corrected.cycleStart);
      if (record.expiry <= corrected.cycleStart || record.expiry > longest) {
        throw refuse.badInput(
          `expiry ${record.expiry} must be after ${corrected.cycleStart} and on or before ${longest}`,
        );
      }
      corrected.expiry = record.expiry;
    }
    if (record.standard !== current.standard && record.standard !== CURRENT_STANDARD) {
      throw refuse.badInput(`a certification cannot move back to ${record.standard}`);
    }
  }
  if (record.originalIssueDate && record.originalIssueDate !== corrected.originalIssueDate) {
    if (!isCalendarDate(record.originalIssueDate) || record.originalIssueDate > corrected.cycleStart) {
      throw refuse.badInput(
        `originalIssueDate must be a date on or before the cycle start ${corrected.cycleStart}`,
      );
    }
    corrected.originalIssueDate = record.originalIssueDate;
  }
  if (record.surveillanceAudits) {
    corrected.surveillanceAudits = checkSurveillance(
      record.surveillanceAudits,
      corrected.cycleStart,
      corrected.expiry,
      ctx.today,
    );
  } else if (step.change === 'RECERTIFIED') {
    corrected.surveillanceAudits = surveillanceSchedule(corrected.cycleStart, corrected.expiry);
  }

  const fields = changedFields(current, corrected);
  const organizationChanged = !sameOrganization(existing.organization, organization);
  if (fields.length === 0 && !organizationChanged) return { outcome: 'UNCHANGED' };
  let change: CertificationChange = step.change;
  if (change === 'DETAILS_UPDATED' && fields.length === 1 && fields[0] === 'surveillanceAudits')
    change = 'SURVEILLANCE_RECORDED';
  return {
    outcome: 'UPDATED',
    step: { ...step, change, state: corrected },
    organization,
    organizationChanged,
    changedFields: organizationChanged ? [...fields, 'organization'] : fields,
  };
}
