import {
  acceptedLanguages,
  chooseLanguage,
  countryName,
  countryOptions,
  formatDate,
  languageName,
  translatorFor,
} from '../src/i18n';
import { en } from '../src/locales/en';
import { fr } from '../src/locales/fr';

describe('language choice', () => {
  it('follows Accept-Language by quality, matching regional variants to the language', () => {
    expect(chooseLanguage({ acceptLanguage: 'fr-CA,fr;q=0.9,en;q=0.8' })).toEqual({
      language: 'fr',
      explicit: false,
    });
    expect(chooseLanguage({ acceptLanguage: 'de-DE, en;q=0.5, fr;q=0.7' }).language).toBe('fr');
    expect(chooseLanguage({ acceptLanguage: 'fr;q=0, en' }).language).toBe('en');
    expect(chooseLanguage({ acceptLanguage: 'de, es' }).language).toBe('en');
    expect(chooseLanguage({}).language).toBe('en');
    expect(acceptedLanguages('en;q=0.2, fr-BE;q=0.9, *;q=0.1')).toEqual(['fr-be', 'en', '*']);
  });

  it('lets ?lang= override the browser (explicit, so it is remembered), then the cookie', () => {
    expect(chooseLanguage({ query: 'fr', acceptLanguage: 'en' })).toEqual({ language: 'fr', explicit: true });
    expect(chooseLanguage({ cookie: 'other=1; lang=fr', acceptLanguage: 'en' })).toEqual({
      language: 'fr',
      explicit: false,
    });
    // An unknown value is ignored, not trusted.
    expect(chooseLanguage({ query: 'xx', cookie: 'lang=<b>', acceptLanguage: 'fr' }).language).toBe('fr');
  });
});

describe('localized text, dates and countries', () => {
  it('translates with i18next, French and English having the same keys', () => {
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`),
      );
    expect(keys(fr)).toEqual(keys(en));
    expect(translatorFor('fr')('registry.startDate')).toBe('Date de début');
    expect(translatorFor('en')('registry.company')).toBe('Company');
    expect(translatorFor('fr')('registry.company')).toBe('Société');
    expect(translatorFor('fr')('badge.revoked', { date: '3 mars 2026' })).toBe('Révoqué le 3 mars 2026');
  });

  it('formats calendar dates in the reader’s language without a time-zone shift', () => {
    expect(formatDate('2026-03-01', 'en')).toBe('1 March 2026');
    expect(formatDate('2026-03-01', 'fr')).toBe('1 mars 2026');
  });

  it('names countries and languages in the reader’s language', () => {
    expect(countryName('DE', 'en')).toBe('Germany');
    expect(countryName('DE', 'fr')).toBe('Allemagne');
    expect(languageName('pt-BR', 'en')).toBe('Brazilian Portuguese');
    expect(countryOptions('fr').find((c) => c.code === 'GB')?.name).toBe('Royaume-Uni');
    const names = countryOptions('fr').map((c) => c.name);
    expect([...names].sort((a, b) => a.localeCompare(b, 'fr-FR'))).toEqual(names);
  });
});
