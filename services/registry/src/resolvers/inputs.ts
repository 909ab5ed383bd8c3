import { DomainRefusal, parseText, refuse } from '@iso20000/service-kit';
import type { OrganizationDetails } from '../domain/certification-import';
import { LIMITS, type CertifiedSite, type PostalAddress } from '../domain/certification-lifecycle';
import type { ImportInput } from '../commands/import-certifications';
import type {
  CertifiedOrganizationInput,
  CertifiedSiteInput,
  RegistryAddressInput,
  UpsertCertificationInput,
} from '../generated/graphql';

/** GraphQL inputs as the domain's types; the domain checks text and countries, naming each field. */
function toAddress(input: RegistryAddressInput): PostalAddress {
  return {
    lines: input.lines,
    city: input.city,
    postalCode: input.postalCode ?? null,
    country: input.country,
  };
}

export function toSites(input: readonly CertifiedSiteInput[]): CertifiedSite[] {
  return input.map((site) => ({ address: toAddress(site.address), scope: site.scope }));
}

export function toOrganization(input: CertifiedOrganizationInput): OrganizationDetails {
  return {
    legalName: input.legalName,
    otherNames: input.otherNames ?? [],
    country: input.country,
    address: toAddress(input.address),
    publicListing: input.publicListing,
  };
}

/** A certificate number as clients send it: letters, digits and a few separators, at most 100 characters. */
export function parseCertificateNumber(value: string, field = 'certificateNumber'): string {
  return parseText(value, { field, max: LIMITS.certificateNumber });
}

/** An idempotency key: 8 to 200 characters (a uuid is a good choice). */
export function parseIdempotencyKey(value: string): string {
  if (value.length < 8 || value.length > 200)
    throw refuse.badInput('idempotencyKey must be 8 to 200 characters (a uuid is a good choice)');
  return parseText(value, { field: 'idempotencyKey', max: 200 });
}

/** One bulk record: what is wrong with it before planning is its own rejection, not the call's. */
export function toImportInput(input: UpsertCertificationInput, index: number): ImportInput {
  const field = `input[${index}]`;
  const certificateNumber = input.certificateNumber.trim();
  try {
    parseCertificateNumber(input.certificateNumber, `${field}.certificateNumber`);
    if (input.status === 'EXPIRED')
      throw refuse.badInput('status EXPIRED is not imported: it follows from the expiry date');
  } catch (err) {
    if (err instanceof DomainRefusal)
      return { certificateNumber, refused: { code: err.code, reason: err.message } };
    throw err;
  }
  return {
    certificateNumber,
    record: {
      certificateNumber,
      organization: toOrganization(input.organization),
      standard: input.standard ?? 'ISO_IEC_20000_1_2018',
      scope: input.scope,
      sites: toSites(input.sites ?? []),
      originalIssueDate: input.originalIssueDate,
      cycleStart: input.cycleStart,
      expiry: input.expiry,
      surveillanceAudits:
        input.surveillanceAudits?.map((audit) => ({
          dueDate: audit.dueDate,
          doneOn: audit.doneOn ?? null,
        })) ?? null,
      status: input.status,
      statusReason: input.statusReason,
      suspendedUntil: input.suspendedUntil,
      expectedVersion: input.expectedVersion,
    },
  };
}
