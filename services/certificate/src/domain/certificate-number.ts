import { randomInt } from 'node:crypto';
import type { ExamCode } from '@iso20000/scheme';

/**
 * Certificate numbers, e.g. `F26-7K3Q-M9PA`: the exam's letter (F, P, A), the two-digit year of
 * issue, seven random characters and a check character, grouped by four for reading aloud.
 *
 * The alphabet is Crockford's base32 (no I, L, O, U) so a number survives being read over the
 * phone; on input O is read as 0 and I/L as 1. The check character is Luhn mod 32 over the whole
 * number: it catches every single mistyped character and nearly every swap of two neighbours.
 * The body is random rather than sequential, so valid numbers cannot be guessed from one another.
 */
export const NUMBER_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RADIX = NUMBER_ALPHABET.length;
const RANDOM_LENGTH = 7;
const NORMALIZED_LENGTH = 1 + 2 + RANDOM_LENGTH + 1;

// A new exam gets its letter here (the Record type asks for it); parsing follows.
const EXAM_LETTER: Record<ExamCode, string> = { FOUNDATION: 'F', PRACTITIONER: 'P', AUDITOR: 'A' };
const LETTERS = Object.values(EXAM_LETTER);
const PREFIX = new RegExp(`^[${LETTERS.join('')}]\\d{2}$`);
const LETTERS_IN_WORDS = `${LETTERS.slice(0, -1).join(', ')} or ${LETTERS.at(-1)}`;

export const CERTIFICATE_NUMBER_EXAMPLE = 'F26-7K3Q-M9PA';

function codePoint(char: string): number {
  const value = NUMBER_ALPHABET.indexOf(char);
  if (value < 0) throw new RangeError(`"${char}" is not a certificate number character`);
  return value;
}

/** Luhn mod N: the character that makes the whole string check out. */
export function checkCharacter(body: string): string {
  let factor = 2;
  let sum = 0;
  for (let i = body.length - 1; i >= 0; i--) {
    let addend = factor * codePoint(body[i]);
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / RADIX) + (addend % RADIX);
    sum += addend;
  }
  return NUMBER_ALPHABET[(RADIX - (sum % RADIX)) % RADIX];
}

function hasValidCheckCharacter(normalized: string): boolean {
  let factor = 1;
  let sum = 0;
  for (let i = normalized.length - 1; i >= 0; i--) {
    let addend = factor * codePoint(normalized[i]);
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / RADIX) + (addend % RADIX);
    sum += addend;
  }
  return sum % RADIX === 0;
}

/** Groups a normalized number for display: `F26-7K3Q-M9PA`. */
export function formatCertificateNumber(normalized: string): string {
  return `${normalized.slice(0, 3)}-${normalized.slice(3, 7)}-${normalized.slice(7)}`;
}

/** A new certificate number for an exam, issued in `year`; `random` is injectable for tests. */
export function generateCertificateNumber(
  examCode: ExamCode,
  year: number,
  random: (max: number) => number = randomInt,
): string {
  let body = `${EXAM_LETTER[examCode]}${String(year % 100).padStart(2, '0')}`;
  for (let i = 0; i < RANDOM_LENGTH; i++) body += NUMBER_ALPHABET[random(RADIX)];
  return formatCertificateNumber(body + checkCharacter(body));
}

export type ParsedCertificateNumber =
  { ok: true; number: string } | { ok: false; problem: 'FORMAT' | 'CHECK_CHARACTER'; message: string };

/**
 * Reads a number as a person typed it: case, spaces and dashes do not matter, O means 0 and
 * I or L mean 1. Returns the canonical form, or what is wrong in words a person can act on.
 */
export function parseCertificateNumber(input: string): ParsedCertificateNumber {
  const normalized = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  const shapeOk =
    normalized.length === NORMALIZED_LENGTH &&
    PREFIX.test(normalized.slice(0, 3)) &&
    [...normalized].every((c) => NUMBER_ALPHABET.includes(c));
  if (!shapeOk) {
    return {
      ok: false,
      problem: 'FORMAT',
      message: `This is not a certificate number. A certificate number looks like ${CERTIFICATE_NUMBER_EXAMPLE}: the exam's letter (${LETTERS_IN_WORDS}), two digits for the year, then eight letters and digits.`,
    };
  }
  if (!hasValidCheckCharacter(normalized)) {
    return {
      ok: false,
      problem: 'CHECK_CHARACTER',
      message:
        'This certificate number contains a typo: its last character (the check character) does not match the rest. Compare it character by character with the certificate.',
    };
  }
  return { ok: true, number: formatCertificateNumber(normalized) };
}
