import i18next, { type TFunction } from 'i18next';
import countries from 'i18n-iso-countries';
import englishCountries from 'i18n-iso-countries/langs/en.json';
import frenchCountries from 'i18n-iso-countries/langs/fr.json';
import { en } from './locales/en';
import { fr } from './locales/fr';

export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_COOKIE = 'lang';

export const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

countries.registerLocale(englishCountries);
countries.registerLocale(frenchCountries);

const i18n = i18next.createInstance();
// Resources are in memory, so initialisation is synchronous and `t` works as soon as this returns.
void i18n.init({
  initAsync: false,
  resources: { en: { translation: en }, fr: { translation: fr } },
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  // Pages escape every value when they render (html.ts); escaping here would escape twice.
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** Text by key, with {{name}} placeholders filled from `values`. */
export type Translate = (key: string, values?: Record<string, string | number>) => string;

const translators = new Map<Language, Translate>();

/**
 * i18next resolves each key once per language (fallbacks included); the resolved text is kept, and
 * placeholders are filled here. A page asks for dozens of texts, and i18next's own `t` costs tens
 * of microseconds a call.
 */
export function translatorFor(language: Language): Translate {
  let translate = translators.get(language);
  if (!translate) {
    const t: TFunction = i18n.getFixedT(language);
    const resolved = new Map<string, string>();
    translate = (key, values) => {
      let text = resolved.get(key);
      if (text === undefined) {
        text = String(t(key, { skipInterpolation: true }));
        resolved.set(key, text);
      }
      return values
        ? text.replace(/\{\{(\w+)\}\}/g, (match, name: string) => String(values[name] ?? match))
        : text;
    };
    translators.set(language, translate);
  }
  return translate;
}

/** Accept-Language ranges by preference (RFC 9110 §12.5.4): q=0 excluded, ties kept in order. */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .slice(0, 50)
    .map((part, index) => {
      const [range, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return { range: range.trim().toLowerCase(), quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((entry) => entry.range && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index)
    .map((entry) => entry.range);
}

export interface LanguageChoice {
  language: Language;
  /** Chosen explicitly (?lang=): remembered in a cookie. */
  explicit: boolean;
}

/** An explicit ?lang= wins, then the remembered cookie, then the browser's Accept-Language, then English. */
export function chooseLanguage(input: {
  query?: string | null;
  cookie?: string | undefined;
  acceptLanguage?: string | undefined;
}): LanguageChoice {
  if (isLanguage(input.query)) return { language: input.query, explicit: true };
  const remembered = cookieValue(input.cookie, LANGUAGE_COOKIE);
  if (isLanguage(remembered)) return { language: remembered, explicit: false };
  for (const range of acceptedLanguages(input.acceptLanguage)) {
    const primary = range.split('-')[0];
    if (isLanguage(primary)) return { language: primary, explicit: false };
    if (range === '*') break;
  }
  return { language: 'en', explicit: false };
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

const LOCALES: Record<Language, string> = { en: 'en-GB', fr: 'fr-FR' };
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(language: Language, withTime: boolean): Intl.DateTimeFormat {
  const key = `${language}:${withTime}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALES[language], {
      dateStyle: 'long',
      ...(withTime ? { timeStyle: 'short' } : {}),
      timeZone: 'UTC',
    });
    dateFormats.set(key, format);
  }
  return format;
}

/** A calendar date (YYYY-MM-DD) as the reader writes dates: 2 December 2026 / 2 décembre 2026. */
export function formatDate(date: string, language: Language): string {
  const parsed = new Date(/^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00Z` : date);
  return Number.isNaN(parsed.getTime()) ? date : dateFormat(language, false).format(parsed);
}

/** An instant, in UTC (the pages say so). */
export function formatDateTime(instant: Date, language: Language): string {
  return `${dateFormat(language, true).format(instant)} UTC`;
}

/** ISO 3166-1 alpha-2 code -> the country's name in the reader's language (the code when unknown). */
export function countryName(code: string, language: Language): string {
  return countries.getName(code, language) ?? code;
}

export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && countries.isValid(code);
}

/** Every country, sorted by its name in the reader's language, for a select. */
export function countryOptions(language: Language): ReadonlyArray<{ code: string; name: string }> {
  let options = countryLists.get(language);
  if (!options) {
    const names = countries.getNames(language, { select: 'official' });
    options = Object.entries(names)
      .map(([code, name]) => ({ code, name }))
      .sort((a, b) => a.name.localeCompare(b.name, LOCALES[language]));
    countryLists.set(language, options);
  }
  return options;
}
const countryLists = new Map<Language, Array<{ code: string; name: string }>>();

const languageNames = new Map<Language, Intl.DisplayNames>();
/** A BCP 47 tag (en, pt-BR, zh-Hans) named in the reader's language. */
export function languageName(tag: string, language: Language): string {
  let names = languageNames.get(language);
  if (!names) {
    names = new Intl.DisplayNames([LOCALES[language]], { type: 'language' });
    languageNames.set(language, names);
  }
  try {
    return names.of(tag) ?? tag;
  } catch {
    return tag;
  }
}
