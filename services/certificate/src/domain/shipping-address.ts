import type { PostalAddress } from '@iso20000/events';
import { DomainRefusal, parseCountryCode, parseOptionalText, parseText } from '@iso20000/service-kit';
import { INPUT_LIMITS } from '../limits';

/** Where a hard copy is posted: the catalogue's PostalAddress, so ATO addresses fit. */
export type ShippingAddress = PostalAddress;

export type AddressCheck =
  { ok: true; address: ShippingAddress } | { ok: false; field: string; message: string };

// Countries with no postal code system in common use; everywhere else the post needs one.
const WITHOUT_POSTAL_CODES = new Set([
  'AE',
  'AG',
  'AO',
  'BS',
  'BZ',
  'FJ',
  'GH',
  'HK',
  'MO',
  'QA',
  'TZ',
  'UG',
  'ZW',
]);

// Formats for the countries that send most candidates; others only need a non-empty code.
const POSTAL_CODE_FORMATS: Record<string, { pattern: RegExp; example: string }> = {
  GB: { pattern: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/, example: 'SW1A 1AA' },
  US: { pattern: /^\d{5}(-\d{4})?$/, example: '94105 or 94105-1234' },
  NL: { pattern: /^\d{4} ?[A-Z]{2}$/, example: '1012 AB' },
  DE: { pattern: /^\d{5}$/, example: '10115' },
  FR: { pattern: /^\d{5}$/, example: '75001' },
  ES: { pattern: /^\d{5}$/, example: '28001' },
  BR: { pattern: /^\d{5}-?\d{3}$/, example: '01310-100' },
  PT: { pattern: /^\d{4}-\d{3}$/, example: '1000-001' },
  JP: { pattern: /^\d{3}-?\d{4}$/, example: '100-0001' },
  CN: { pattern: /^\d{6}$/, example: '100000' },
  IN: { pattern: /^\d{6}$/, example: '110001' },
  AU: { pattern: /^\d{4}$/, example: '2000' },
};

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

type Checked<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

/** A service-kit parse as a result naming the field, so the whole address is checked in one place. */
function checked<T>(field: string, parse: () => T): Checked<T> {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (error instanceof DomainRefusal) return { ok: false, field, message: error.message };
    throw error;
  }
}

function text(value: string, field: string, max: number): Checked<string> {
  return checked(field, () => parseText(value, { field, max }));
}

/** Validates and normalizes (trimmed, upper-case country and postal code) a shipping address. */
export function validateShippingAddress(input: ShippingAddress): AddressCheck {
  const recipientName = text(input.recipientName, 'recipientName', INPUT_LIMITS.recipientName);
  if (!recipientName.ok) return recipientName;
  if (input.lines.length < 1 || input.lines.length > 5) {
    return {
      ok: false,
      field: 'lines',
      message: 'lines must hold 1 to 5 address lines (street and number first)',
    };
  }
  const lines: string[] = [];
  for (const [i, line] of input.lines.entries()) {
    const checkedLine = text(line, `lines[${i}]`, INPUT_LIMITS.addressLine);
    if (!checkedLine.ok) return checkedLine;
    lines.push(checkedLine.value);
  }
  const city = text(input.city, 'city', INPUT_LIMITS.city);
  if (!city.ok) return city;
  const countryCode = checked('country', () => parseCountryCode(input.country, 'country'));
  if (!countryCode.ok) return countryCode;
  const country = countryCode.value;
  const postal = checked('postalCode', () =>
    parseOptionalText(input.postalCode, { field: 'postalCode', max: INPUT_LIMITS.postalCode }),
  );
  if (!postal.ok) return postal;
  const postalCode = postal.value?.toUpperCase() ?? null;
  if (postalCode === null && !WITHOUT_POSTAL_CODES.has(country)) {
    return {
      ok: false,
      field: 'postalCode',
      message: `postalCode is required for addresses in ${regionNames.of(country)}`,
    };
  }
  if (postalCode !== null) {
    const format = POSTAL_CODE_FORMATS[country];
    if (format && !format.pattern.test(postalCode)) {
      return {
        ok: false,
        field: 'postalCode',
        message: `"${postalCode}" is not a postal code of ${regionNames.of(country)}; expected something like ${format.example}`,
      };
    }
  }
  return {
    ok: true,
    address: { recipientName: recipientName.value, lines, city: city.value, postalCode, country },
  };
}
