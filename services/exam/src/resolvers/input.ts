import { parseText, refuse, TEXT_LIMITS } from '@iso20000/service-kit';
import { minorUnitDigits, type MoneyModel } from './money';

/** The free-text limits of this API (each documented on its argument in schema.graphql). */
export const VENUE_LIMIT = TEXT_LIMITS.line;
export const REGION_NAME_LIMIT = TEXT_LIMITS.name;
export const CANDIDATE_NAME_LIMIT = TEXT_LIMITS.name;
export const CERTIFICATE_NUMBER_LIMIT = TEXT_LIMITS.key;
export const EVIDENCE_LIMIT = TEXT_LIMITS.note;
export const NOTE_LIMIT = TEXT_LIMITS.note;
export const REASON_LIMIT = TEXT_LIMITS.reason;
/** BCP 47 tags in use are far shorter; 35 is the longest a registry tag practically gets. */
export const LANGUAGE_TAG_LIMIT = 35;

const REGION = /^[A-Z][A-Z0-9_]{1,39}$/;
const CURRENCY = /^[A-Z]{3}$/;

/** A language tag as given (tags are compared as the scheme writes them: en, pt-BR, zh-Hant). */
export function parseLanguageTag(value: string, field: string): string {
  return parseText(value, { field, max: LANGUAGE_TAG_LIMIT });
}

/** A price region code, upper-cased: UK, NORTH_AMERICA. */
export function parseRegion(value: string, field: string): string {
  const region = value.trim().toUpperCase();
  if (!REGION.test(region))
    throw refuse.badInput(`${field} must be an upper-case code such as UK or NORTH_AMERICA`, { field });
  return region;
}

/** An ISO 4217 currency and a positive whole amount in its minor units. */
export function parseMoney(value: { currency: string; amountMinor: number }, field: string): MoneyModel {
  const currency = value.currency.trim().toUpperCase();
  if (!CURRENCY.test(currency))
    throw refuse.badInput(`${field}.currency must be an ISO 4217 code such as GBP`, {
      field: `${field}.currency`,
    });
  if (!Number.isInteger(value.amountMinor) || value.amountMinor <= 0) {
    throw refuse.badInput(
      `${field}.amountMinor is in minor units (${minorUnitDigits(currency)} decimals for ${currency}) and must be a positive whole number`,
      { field: `${field}.amountMinor` },
    );
  }
  return { currency, amountMinor: value.amountMinor };
}
