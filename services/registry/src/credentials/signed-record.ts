import { randomUUID } from 'node:crypto';
import { signCredential, statusListEntry, statusListEntryOf, type JsonObject } from '@iso20000/credentials';
import { addDays } from '../domain/calendar-date';
import { effectiveStatus, lastValidDay } from '../domain/certification-lifecycle';
import type { CalendarDate } from '../domain/calendar-date';
import type { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import { REGISTRY_STATUS_PURPOSES, registryUrls, type RegistryIssuer } from './registry-issuer';

const DAY_MS = 86_400_000;

/** What the registry knows besides the certification row when it signs. */
export interface RecordFacts {
  organization: { legalName: string; country: string };
  /** The RCB as the registry knows it (its copy from accreditation); null name when never heard of. */
  rcb: { id: string; name: string | null };
  now: Date;
  today: CalendarDate;
}

export interface SignedRecord {
  jwt: string;
  validFrom: Date;
  validUntil: Date;
  /** The suspension list's URL, then the revocation list's. */
  statusListUrls: string[];
  keysUrl: string;
}

/**
 * Until when a signed answer may be relied on: the end (UTC) of the certification's last valid day
 * (its expiry, or its transfer deadline when sooner), and never more than the freshness horizon after
 * signing. Expiry needs no status bit: past validUntil the record is no longer valid anyway. An answer
 * for a certification that is no longer current (EXPIRED, WITHDRAWN) states just that, for the horizon.
 */
export function recordValidUntil(
  certification: OrganizationCertificationEntity,
  issuer: Pick<RegistryIssuer, 'recordValidDays'>,
  now: Date,
  today: CalendarDate,
): Date {
  const horizon = new Date(now.getTime() + issuer.recordValidDays * DAY_MS);
  const status = effectiveStatus(certification, today);
  if (status !== 'CERTIFIED' && status !== 'SUSPENDED') return horizon;
  const endOfLastDay = new Date(`${addDays(lastValidDay(certification), 1)}T00:00:00.000Z`);
  return endOfLastDay < horizon ? endOfLastDay : horizon;
}

/** The registry's answer for one certification as a W3C Verifiable Credential 2.0 (unsigned). */
export function buildRecordCredential(
  issuer: RegistryIssuer,
  certification: OrganizationCertificationEntity,
  facts: RecordFacts,
): { credential: JsonObject; validUntil: Date; statusListUrls: string[] } {
  const urls = registryUrls(issuer);
  const entry = statusListEntry(certification.statusListIndex);
  const statusListUrls = REGISTRY_STATUS_PURPOSES.map((purpose) =>
    urls.statusList(purpose, entry.statusList),
  );
  const validUntil = recordValidUntil(certification, issuer, facts.now, facts.today);
  const credential: JsonObject = {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', 'RegistryCertificationRecord'],
    issuer: { id: urls.issuerId, name: issuer.name },
    name: `Certification ${certification.certificateNumber} of ${facts.organization.legalName}`,
    validFrom: facts.now.toISOString(),
    validUntil: validUntil.toISOString(),
    credentialSubject: {
      id: urls.certification(certification.id),
      type: 'OrganizationCertification',
      organization: { legalName: facts.organization.legalName, country: facts.organization.country },
      certificateNumber: certification.certificateNumber,
      certificationBody: { id: `urn:uuid:${facts.rcb.id}`, name: facts.rcb.name },
      standard: certification.standard,
      scope: certification.scope,
      status: effectiveStatus(certification, facts.today),
      statusReason: certification.statusReason,
      statusAsOf: facts.today,
      originalIssueDate: certification.originalIssueDate,
      cycleStart: certification.cycleStart,
      expiry: certification.expiry,
      suspendedOn: certification.suspendedOn,
      suspendedUntil: certification.suspendedUntil,
      transferDeadline: certification.transferDeadline,
    },
    credentialStatus: REGISTRY_STATUS_PURPOSES.map((purpose, i) =>
      statusListEntryOf(statusListUrls[i], entry.statusListIndex, purpose),
    ),
  };
  return { credential, validUntil, statusListUrls };
}

/** Signs the registry's answer now (one Ed25519 signature: cheap enough for every verification). */
export async function signRecord(
  issuer: RegistryIssuer,
  certification: OrganizationCertificationEntity,
  facts: RecordFacts,
): Promise<SignedRecord> {
  const { credential, validUntil, statusListUrls } = buildRecordCredential(issuer, certification, facts);
  return {
    jwt: await signCredential(credential, issuer.key),
    validFrom: facts.now,
    validUntil,
    statusListUrls,
    keysUrl: registryUrls(issuer).jwks,
  };
}
