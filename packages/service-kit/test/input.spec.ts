import {
  DomainRefusal,
  isUuid,
  knownIds,
  parseCountryCode,
  parseId,
  parseOptionalText,
  parseText,
} from '../src';

function refusalOf(fn: () => unknown): DomainRefusal {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainRefusal) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('ids', () => {
  const id = '3F2504E0-4F89-11D3-9A0C-0305E82C3301';
  it('accepts uuids (lower-cased) and refuses anything else the same way', () => {
    expect(parseId(id, 'atoId')).toBe(id.toLowerCase());
    const refusal = refusalOf(() => parseId('ato-1', 'atoId'));
    expect(refusal.code).toBe('BAD_USER_INPUT');
    expect(refusal.message).toBe('atoId must be an id this API issued (a uuid), got "ato-1"');
    expect(refusalOf(() => parseId('x'.repeat(10_000), 'id')).message.length).toBeLessThan(150);
  });
  it('lets loaders drop malformed ids', () => {
    expect(knownIds([id, 'nope'])).toEqual([id.toLowerCase()]);
    expect(isUuid('nope')).toBe(false);
  });
});

describe('free text', () => {
  const rule = { field: 'name', max: 200 };
  it('trims and accepts text within its limit', () => {
    expect(parseText('  Ada Lovelace ', rule)).toBe('Ada Lovelace');
    expect(parseText('x'.repeat(200), rule)).toHaveLength(200);
  });
  it('refuses text above the limit, naming the field and the limit', () => {
    const refusal = refusalOf(() => parseText('x'.repeat(2000), rule));
    expect(refusal).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'name', max: 200 } });
    expect(refusal.message).toBe('name must be at most 200 characters, got 2000');
  });
  it('refuses empty text and control characters', () => {
    expect(refusalOf(() => parseText('   ', rule)).message).toBe('name must not be empty');
    expect(refusalOf(() => parseText('Ada\u0000', rule)).code).toBe('BAD_USER_INPUT');
    expect(refusalOf(() => parseText('Ada\nLovelace', rule)).code).toBe('BAD_USER_INPUT');
    expect(refusalOf(() => parseText('Ada\u009b', rule)).code).toBe('BAD_USER_INPUT');
  });
  it('allows line breaks in multiline text, normalized', () => {
    expect(parseText('a\r\nb\tc', { field: 'note', max: 10, multiline: true })).toBe('a\nb\tc');
    expect(refusalOf(() => parseText('a\u0007b', { field: 'note', max: 10, multiline: true })).code).toBe(
      'BAD_USER_INPUT',
    );
  });
  it('treats blank optional text as absent', () => {
    expect(parseOptionalText('  ', rule)).toBeNull();
    expect(parseOptionalText(undefined, rule)).toBeNull();
  });
});

describe('country codes', () => {
  it('accepts ISO 3166-1 alpha-2 codes that exist, upper-cased', () => {
    expect(parseCountryCode('de', 'country')).toBe('DE');
    expect(parseCountryCode('BR', 'country')).toBe('BR');
  });
  it.each(['XX', 'UK', 'EU', 'DEU', '', '1A'])('refuses %p naming the field', (code) => {
    const refusal = refusalOf(() => parseCountryCode(code, 'sites[2].country'));
    expect(refusal).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'sites[2].country' } });
  });
});

describe('characters that change how text reads', () => {
  const name = { field: 'input.legalName', max: 300 };
  it('refuses bidirectional overrides and isolates in any text, as BAD_USER_INPUT naming the field', () => {
    for (const control of [
      '\u202A',
      '\u202B',
      '\u202C',
      '\u202D',
      '\u202E',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
    ]) {
      const refusal = refusalOf(() => parseText(`Acme ${control}dtL`, name));
      expect(refusal.code).toBe('BAD_USER_INPUT');
      expect(refusal.message).toMatch(/^input.legalName must not contain bidirectional control characters/);
      expect(() => parseText(`note ${control}x`, { field: 'note', max: 4000, multiline: true })).toThrow(
        DomainRefusal,
      );
    }
  });
  it('refuses invisible marks only in names shown publicly', () => {
    for (const mark of ['\u200E', '\u200F', '\u200B', '\u2060', '\u061C']) {
      expect(refusalOf(() => parseText(`Ac${mark}me`, { ...name, shownPublicly: true })).message).toMatch(
        /must not contain invisible characters/,
      );
      expect(parseText(`Ac${mark}me`, name)).toBe(`Ac${mark}me`);
    }
  });
  it('keeps right-to-left and combined scripts as written', () => {
    const rule = { ...name, shownPublicly: true };
    expect(parseText('شركة الأمان', rule)).toBe('شركة الأمان');
    expect(parseText('חברת אבטחה בע"מ', rule)).toBe('חברת אבטחה בע"מ');
    expect(parseText('क्षत्रिय', rule)).toBe('क्षत्रिय');
  });
  it('refuses a NUL character like any control character', () => {
    expect(refusalOf(() => parseText('Acme\u0000', name)).code).toBe('BAD_USER_INPUT');
  });
});
