import { parseOptionalText, parseText, refuse } from '@iso20000/service-kit';
import { addDays, addMonths, isCalendarDate, type CalendarDate } from './calendar-date';
import { LIMITS } from './certification-lifecycle';

/**
 * Transfers between RCBs as IAF MD 2 describes them, as plain rules: the accepting RCB requests
 * with its pre-transfer review and the organization's authorization; the issuing RCB may object
 * within a window; scheme staff decide objections; an RCB that lost its appointment leaves its
 * certifications a deadline to move.
 */

export const TRANSFER_STATUSES = ['PENDING', 'OBJECTED', 'COMPLETED', 'REFUSED', 'CANCELLED'] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];
/** A transfer still open: a second request is refused and the issuing RCB's hands are tied (MD 2 2.4.2). */
export const OPEN_TRANSFER_STATUSES: readonly TransferStatus[] = ['PENDING', 'OBJECTED'];

export type TransferOutcome =
  | 'ACKNOWLEDGED'
  | 'OBJECTION_WINDOW_ENDED'
  | 'OBJECTION_OVERRULED'
  | 'OBJECTION_UPHELD'
  | 'CANCELLED_BY_ACCEPTING_RCB'
  | 'SUSPENDED_BY_ISSUING_RCB'
  | 'WITHDRAWN_BY_ISSUING_RCB'
  | 'NO_LONGER_TRANSFERABLE';

export type NonconformitySeverity = 'MAJOR' | 'MINOR';

export interface OpenNonconformity {
  reference: string;
  severity: NonconformitySeverity;
  description: string;
}

/** The accepting RCB's pre-transfer review (IAF MD 2: documents reviewed, nonconformities still open). */
export interface PreTransferReview {
  reviewedOn: CalendarDate;
  reviewer: string;
  findings: string;
  openNonconformities: OpenNonconformity[];
}

/** How old a pre-transfer review may be when the request is made. */
export const MAX_REVIEW_AGE_DAYS = 90;
export const MAX_OPEN_NONCONFORMITIES = 100;
/** An RCB that loses its appointment: its certifications must move within this many months (or by expiry). */
export const WITHDRAWN_RCB_TRANSFER_MONTHS = 6;

const { badInput, conflict } = refuse;

/** Checks the review as the accepting RCB sent it; refuses one with an open major nonconformity. */
export function checkPreTransferReview(review: PreTransferReview, today: CalendarDate): PreTransferReview {
  if (!isCalendarDate(review.reviewedOn))
    throw badInput(`review.reviewedOn must be a date as YYYY-MM-DD, got "${review.reviewedOn}"`);
  if (review.reviewedOn > today) throw badInput(`review.reviewedOn ${review.reviewedOn} is in the future`);
  const oldest = addDays(today, -MAX_REVIEW_AGE_DAYS);
  if (review.reviewedOn < oldest)
    throw badInput(
      `review.reviewedOn ${review.reviewedOn} is more than ${MAX_REVIEW_AGE_DAYS} days ago: review the certification again before requesting its transfer`,
    );
  if (review.openNonconformities.length > MAX_OPEN_NONCONFORMITIES)
    throw badInput(`review.openNonconformities: at most ${MAX_OPEN_NONCONFORMITIES}`);
  const openNonconformities = review.openNonconformities.map((nc, i) => ({
    reference: parseText(nc.reference, {
      field: `review.openNonconformities[${i}].reference`,
      max: LIMITS.certificateNumber,
    }),
    severity: nc.severity,
    description: parseText(nc.description, {
      field: `review.openNonconformities[${i}].description`,
      max: LIMITS.reason,
      multiline: true,
    }),
  }));
  const major = openNonconformities.find((nc) => nc.severity === 'MAJOR');
  if (major)
    throw conflict(
      `open major nonconformity ${major.reference}: IAF MD 2 lets the accepting RCB take a certification over only once its major nonconformities are closed`,
    );
  return {
    reviewedOn: review.reviewedOn,
    reviewer: parseText(review.reviewer, { field: 'review.reviewer', max: LIMITS.organizationName }),
    findings: parseText(review.findings, { field: 'review.findings', max: LIMITS.scope, multiline: true }),
    openNonconformities,
  };
}

/** The end of the issuing RCB's objection window. */
export function objectionDeadline(requestedAt: Date, windowDays: number): Date {
  return new Date(requestedAt.getTime() + windowDays * 86_400_000);
}

/** A reason the caller must give (an objection, a decision, the issuing RCB's justification). */
export function requiredReason(value: string | null | undefined, field: string, what: string): string {
  if (value === null || value === undefined || !value.trim()) throw badInput(`${field} is required: ${what}`);
  return parseText(value, { field, max: LIMITS.reason, multiline: true });
}

export const optionalTransferReason = (value: string | null | undefined, field = 'reason') =>
  parseOptionalText(value, { field, max: LIMITS.reason, multiline: true });

/**
 * An RCB withdrawn on `withdrawnOn`: its current certifications must transfer within six months or
 * by their expiry, whichever is sooner (IAF MD 2); after that they expire.
 */
export function withdrawnRcbTransferDeadline(withdrawnOn: CalendarDate, expiry: CalendarDate): CalendarDate {
  const sixMonths = addMonths(withdrawnOn, WITHDRAWN_RCB_TRANSFER_MONTHS);
  return sixMonths < expiry ? sixMonths : expiry;
}
