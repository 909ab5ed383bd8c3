import { TEXT_LIMITS } from '@iso20000/service-kit';

/** Largest `first` of every list of this subgraph. */
export const MAX_PAGE_SIZE = 100;

/** Status lists of 131,072 entries each: room for 1.3 billion certificates. */
export const MAX_STATUS_LISTS = 10_000;

/**
 * The longest text each argument takes; schema.graphql documents the same numbers. The kinds of
 * text (a name, a reason, an address line...) have the same limit in every service.
 */
export const INPUT_LIMITS = {
  /** A certificate number as a person types it (13 characters when formatted; room for spaces). */
  certificateNumber: 64,
  holderName: TEXT_LIMITS.name,
  reason: TEXT_LIMITS.reason,
  /** The person or organization a paper copy is posted to. */
  recipientName: TEXT_LIMITS.organizationName,
  addressLine: TEXT_LIMITS.line,
  city: TEXT_LIMITS.line,
  postalCode: TEXT_LIMITS.postalCode,
  paymentReference: TEXT_LIMITS.key,
  trackingReference: TEXT_LIMITS.key,
} as const;
