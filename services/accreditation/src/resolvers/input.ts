import {
  TEXT_LIMITS,
  parseCountryCode,
  parseId,
  parseOptionalText,
  parseText,
  refuse,
} from '@iso20000/service-kit';
import { z } from 'zod';
import type { AtoApplication } from '../commands/apply-for-ato-accreditation';
import type { RcbApplication } from '../commands/apply-for-rcb-appointment';
import type { CourseDetails } from '../commands/course-checks';
import type {
  CertificateDeliveryPreference,
  LogoLicence,
  PostalAddress,
} from '../domain/delivery-preference';
import type { CompanyDetails, OrganizationContact } from '../entities/organization-columns';
import type {
  AtoApplicationInput,
  AtoLogoLicenceInput,
  AtoPostalAddressInput,
  CertificateDeliveryPreferenceInput,
  CourseInput,
  OrganizationCompanyDetailsInput,
  OrganizationContactInput,
  RcbApplicationInput,
  TrainerInput,
} from '../generated/graphql';

/**
 * Every argument this service takes, checked at the edge: free text within the limit its schema
 * description states (no control characters), countries that exist, ids this API issued. The first
 * problem is a BAD_USER_INPUT naming the field; nothing is changed.
 */
export const LIMITS = {
  organizationName: TEXT_LIMITS.organizationName,
  personName: TEXT_LIMITS.name,
  line: TEXT_LIMITS.line,
  postalCode: TEXT_LIMITS.postalCode,
  email: TEXT_LIMITS.email,
  url: TEXT_LIMITS.url,
  search: TEXT_LIMITS.search,
  reason: TEXT_LIMITS.reason,
  note: TEXT_LIMITS.note,
  /** A company registration number, an accreditation reference, a credential label. */
  reference: 100,
  label: 200,
  phone: 50,
  contactRole: 100,
  /** BCP 47 tags in practice stay far below this. */
  languageTag: 35,
  addressLines: 6,
  postalAddressLines: 5,
  contacts: 20,
  listItems: 50,
} as const;

const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const email = z.email();
const url = z.url();

export function parseLanguageTag(value: string, field: string): string {
  const tag = value.trim();
  if (tag.length > LIMITS.languageTag || !LANGUAGE_TAG.test(tag))
    throw refuse.badInput(`${field}: expected a BCP 47 language tag such as en, pt-BR or zh-Hant`, { field });
  return tag;
}

/** A list of one or more items, each at most once (after each item is parsed). */
function parseList<T, R>(
  values: readonly T[],
  field: string,
  parseItem: (value: T, itemField: string) => R,
  rule: { max: number; tooFew: string; tooMany: string; duplicate?: string },
): R[] {
  if (values.length < 1) throw refuse.badInput(`${field}: ${rule.tooFew}`, { field });
  if (values.length > rule.max) throw refuse.badInput(`${field}: ${rule.tooMany}`, { field });
  const parsed = values.map((value, index) => parseItem(value, `${field}[${index}]`));
  if (rule.duplicate && new Set(parsed).size !== parsed.length)
    throw refuse.badInput(`${field}: ${rule.duplicate}`, { field });
  return parsed;
}

/** One or more of a kind (exam levels, languages, countries), each once. */
function parseChoices<T, R>(
  values: readonly T[],
  field: string,
  what: string,
  parseItem: (value: T, itemField: string) => R,
): R[] {
  return parseList(values, field, parseItem, {
    max: LIMITS.listItems,
    tooFew: `name at least one ${what}`,
    tooMany: `at most ${LIMITS.listItems} ${what}s`,
    duplicate: `each ${what} only once`,
  });
}

function parseEmail(value: string, field: string): string {
  const address = parseText(value, { field, max: LIMITS.email });
  if (!email.safeParse(address).success)
    throw refuse.badInput(`${field}: expected an e-mail address`, { field });
  return address;
}

function parseWebsite(value: string | null | undefined, field: string): string | null {
  const address = parseOptionalText(value, { field, max: LIMITS.url });
  if (address !== null && !url.safeParse(address).success)
    throw refuse.badInput(`${field}: expected a web address such as https://example.org`, { field });
  return address;
}

function parseCompanyDetails(input: OrganizationCompanyDetailsInput, field: string): CompanyDetails {
  return {
    legalName: parseText(input.legalName, {
      field: `${field}.legalName`,
      max: LIMITS.organizationName,
      shownPublicly: true,
    }),
    registrationNumber: parseOptionalText(input.registrationNumber, {
      field: `${field}.registrationNumber`,
      max: LIMITS.reference,
    }),
    address: parseList(
      input.address,
      `${field}.address`,
      (line, lineField) => parseText(line, { field: lineField, max: LIMITS.line }),
      {
        max: LIMITS.addressLines,
        tooFew: 'give at least one address line',
        tooMany: `at most ${LIMITS.addressLines} address lines`,
      },
    ),
    website: parseWebsite(input.website, `${field}.website`),
  };
}

function parseContacts(input: readonly OrganizationContactInput[], field: string): OrganizationContact[] {
  return parseList(
    input,
    field,
    (contact, contactField) => ({
      name: parseText(contact.name, { field: `${contactField}.name`, max: LIMITS.personName }),
      email: parseEmail(contact.email, `${contactField}.email`),
      phone: parseOptionalText(contact.phone, { field: `${contactField}.phone`, max: LIMITS.phone }),
      role: parseOptionalText(contact.role, { field: `${contactField}.role`, max: LIMITS.contactRole }),
    }),
    {
      max: LIMITS.contacts,
      tooFew: 'give at least one contact',
      tooMany: `at most ${LIMITS.contacts} contacts`,
    },
  );
}

export function parseAtoApplication(input: AtoApplicationInput): AtoApplication {
  return {
    name: parseText(input.name, { field: 'input.name', max: LIMITS.organizationName, shownPublicly: true }),
    country: parseCountryCode(input.country, 'input.country'),
    companyDetails: parseCompanyDetails(input.companyDetails, 'input.companyDetails'),
    contacts: parseContacts(input.contacts, 'input.contacts'),
    examLevels: parseChoices(input.examLevels, 'input.examLevels', 'exam level', (code) => code),
    languages: parseChoices(input.languages, 'input.languages', 'language', parseLanguageTag),
    deliveryModes: parseChoices(input.deliveryModes, 'input.deliveryModes', 'delivery mode', (mode) => mode),
  };
}

export function parseRcbApplication(input: RcbApplicationInput): RcbApplication {
  return {
    name: parseText(input.name, { field: 'input.name', max: LIMITS.organizationName, shownPublicly: true }),
    country: parseCountryCode(input.country, 'input.country'),
    companyDetails: parseCompanyDetails(input.companyDetails, 'input.companyDetails'),
    contacts: parseContacts(input.contacts, 'input.contacts'),
    nationalAccreditationBody: parseText(input.nationalAccreditationBody, {
      field: 'input.nationalAccreditationBody',
      max: LIMITS.organizationName,
    }),
    accreditationReference: parseText(input.accreditationReference, {
      field: 'input.accreditationReference',
      max: LIMITS.reference,
    }),
    countriesServed: parseChoices(
      input.countriesServed,
      'input.countriesServed',
      'country',
      parseCountryCode,
    ),
  };
}

export function parseCourse(input: CourseInput): CourseDetails {
  return {
    examCode: input.examCode,
    language: parseLanguageTag(input.language, 'input.language'),
    country: parseCountryCode(input.country, 'input.country'),
    deliveryMode: input.deliveryMode,
    startsOn: input.startsOn ?? null,
    endsOn: input.endsOn ?? null,
    examIncluded: input.examIncluded,
    trainerId: input.trainerId ? parseId(input.trainerId, 'input.trainerId') : null,
  };
}

export function parseTrainer(input: TrainerInput): { candidateId: string; name: string } {
  return {
    candidateId: parseId(input.candidateId, 'input.candidateId'),
    name: parseText(input.name, { field: 'input.name', max: LIMITS.personName, shownPublicly: true }),
  };
}

function parsePostalAddress(input: AtoPostalAddressInput, field: string): PostalAddress {
  return {
    recipientName: parseText(input.recipientName, {
      field: `${field}.recipientName`,
      max: LIMITS.organizationName,
    }),
    lines: parseList(
      input.lines,
      `${field}.lines`,
      (line, lineField) => parseText(line, { field: lineField, max: LIMITS.line }),
      {
        max: LIMITS.postalAddressLines,
        tooFew: 'give at least one address line',
        tooMany: `at most ${LIMITS.postalAddressLines} address lines`,
      },
    ),
    city: parseText(input.city, { field: `${field}.city`, max: LIMITS.line }),
    postalCode: parseOptionalText(input.postalCode, { field: `${field}.postalCode`, max: LIMITS.postalCode }),
    country: parseCountryCode(input.country, `${field}.country`),
  };
}

export function parseDeliveryPreference(
  input: CertificateDeliveryPreferenceInput,
): CertificateDeliveryPreference {
  return {
    format: input.format,
    recipient: input.recipient,
    atoAddress: input.atoAddress ? parsePostalAddress(input.atoAddress, 'input.atoAddress') : null,
  };
}

export function parseLogoLicence(input: AtoLogoLicenceInput): LogoLicence {
  return {
    licensed: input.licensed,
    validFrom: input.validFrom ?? null,
    validUntil: input.validUntil ?? null,
  };
}

export function parseCredentialLabel(label: string | null | undefined): string | null {
  return parseOptionalText(label, { field: 'label', max: LIMITS.label });
}

/** Assessment notes: several paragraphs allowed. */
export function parseNotes(notes: string, field = 'notes'): string {
  return parseText(notes, { field, max: LIMITS.note, multiline: true });
}

/** Why an organization is suspended, withdrawn or reinstated. */
export function parseReason(reason: string, field = 'reason'): string {
  return parseText(reason, { field, max: LIMITS.reason, multiline: true });
}

/** A name search: blank means no search. */
export function parseSearch(search: string | null | undefined, field = 'filter.search'): string | null {
  return parseOptionalText(search, { field, max: LIMITS.search });
}
