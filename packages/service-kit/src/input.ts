import countries from 'i18n-iso-countries';
import { refuse } from './refusal';

/**
 * Maximum lengths of free text, by kind. Each argument documents its own in the schema; these are
 * the values to pick from, so that the same kind of text has the same limit in every service.
 */
export const TEXT_LIMITS = {
  /** A person's name, a course title, a trainer's name. */
  name: 200,
  /** A legal or trading name of an organization. */
  organizationName: 300,
  /** One line of an address, a city, a region, a scope line. */
  line: 200,
  /** A postal code. */
  postalCode: 20,
  /** A reason given for a decision (suspension, withdrawal, voiding). */
  reason: 1000,
  /** Notes and findings. */
  note: 4000,
  /** A certification's scope statement. */
  scope: 4000,
  email: 254,
  url: 2048,
  /** A search query. */
  search: 200,
  /** A client-chosen key (idempotency keys, external references). */
  key: 200,
} as const;

export interface TextRule {
  field: string;
  max: number;
  /** Shortest accepted length after trimming (default 1: empty is refused). */
  min?: number;
  /** Allows line breaks and tabs (notes, addresses written as one block). */
  multiline?: boolean;
  /**
   * A name the public sees (an organization, an ATO, an RCB, a candidate on a certificate): also
   * refuses the invisible direction marks and zero-width characters that make one name pass for another.
   */
  shownPublicly?: boolean;
}

// C0 controls, DEL and C1 controls; line breaks and tabs are checked separately
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LINE_BREAK_OR_TAB = /[\n\r\t]/;
// Bidirectional embeddings, overrides and isolates reorder what a reader sees; no stored text needs them.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
// Direction marks and zero-width characters: invisible, they let two names look alike yet differ.
const INVISIBLE_IN_NAMES = /[\u061C\u200B\u200E\u200F\u2060\uFEFF]/;

/** Trimmed text within its limits, or BAD_USER_INPUT naming the field; changes nothing else. */
export function parseText(value: string, rule: TextRule): string {
  const { field, max, min = 1, multiline = false, shownPublicly = false } = rule;
  const text = (multiline ? value.replace(/\r\n?/g, '\n') : value).trim();
  if (CONTROL.test(text) || (!multiline && LINE_BREAK_OR_TAB.test(text))) {
    throw refuse.badInput(
      `${field} must not contain control characters${multiline ? '' : ' or line breaks'}`,
      {
        field,
      },
    );
  }
  if (BIDI_CONTROL.test(text)) {
    throw refuse.badInput(
      `${field} must not contain bidirectional control characters (U+202A to U+202E, U+2066 to U+2069)`,
      { field },
    );
  }
  if (shownPublicly && INVISIBLE_IN_NAMES.test(text)) {
    throw refuse.badInput(
      `${field} must not contain invisible characters (direction marks, zero-width spaces)`,
      {
        field,
      },
    );
  }
  if (text.length < min) {
    throw refuse.badInput(
      min <= 1 ? `${field} must not be empty` : `${field} must be at least ${min} characters`,
      { field, min },
    );
  }
  if (text.length > max) {
    throw refuse.badInput(`${field} must be at most ${max} characters, got ${text.length}`, { field, max });
  }
  return text;
}

/** Like parseText, but absent or blank text is null. */
export function parseOptionalText(value: string | null | undefined, rule: TextRule): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  return parseText(value, rule);
}

/** An ISO 3166-1 alpha-2 code that exists (upper case), e.g. `DE`; `XX` and `UK` do not. */
export function isCountryCode(value: string): boolean {
  return /^[A-Z]{2}$/.test(value) && countries.isValid(value);
}

/** The country code upper-cased, or BAD_USER_INPUT naming the field. */
export function parseCountryCode(value: string, field: string): string {
  const code = value.trim().toUpperCase();
  if (!isCountryCode(code)) {
    const shown = value.length > 20 ? `${value.slice(0, 20)}…` : value;
    throw refuse.badInput(
      `${field} must be an ISO 3166-1 alpha-2 country code (e.g. DE, JP, BR), got "${shown}"`,
      { field },
    );
  }
  return code;
}

/** Every ISO 3166-1 alpha-2 code, sorted: for migrations that check stored data. */
export function allCountryCodes(): string[] {
  return Object.keys(countries.getAlpha2Codes()).sort();
}
