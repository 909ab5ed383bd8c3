/** Where a hard copy is posted. Same shape as the catalogue's PostalAddress, so ATO addresses fit. */
export interface ShippingAddress {
  recipientName: string;
  lines: string[];
  city: string;
  postalCode: string | null;
  country: string;
}

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

function isKnownCountry(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || code === 'ZZ') return false;
  return regionNames.of(code) !== code;
}

function text(
  value: string,
  field: string,
  max: number,
): { ok: true; value: string } | { ok: false; field: string; message: string } {
  const trimmed = value.trim();
  if (!trimmed) return { ok: false, field, message: `${field} must not be empty` };
  if (trimmed.length > max)
    return { ok: false, field, message: `${field} must be at most ${max} characters` };
  return { ok: true, value: trimmed };
}

/** Validates and normalizes (trimmed, upper-case country and postal code) a shipping address. */
export function validateShippingAddress(input: ShippingAddress): AddressCheck {
  const recipientName = text(input.recipientName, 'recipientName', 300);
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
    const checked = text(line, `lines[${i}]`, 300);
    if (!checked.ok) return checked;
    lines.push(checked.value);
  }
  const city = text(input.city, 'city', 200);
  if (!city.ok) return city;
  const country = input.country.trim().toUpperCase();
  if (!isKnownCountry(country)) {
    return {
      ok: false,
      field: 'country',
      message: `country must be an ISO 3166-1 alpha-2 code such as GB or NL, got "${input.country}"`,
    };
  }
  const postalCode = input.postalCode?.trim().toUpperCase() || null;
  if (postalCode === null && !WITHOUT_POSTAL_CODES.has(country)) {
    return {
      ok: false,
      field: 'postalCode',
      message: `postalCode is required for addresses in ${regionNames.of(country)}`,
    };
  }
  if (postalCode !== null) {
    if (postalCode.length > 40)
      return { ok: false, field: 'postalCode', message: 'postalCode must be at most 40 characters' };
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
