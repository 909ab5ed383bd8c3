import { createLogger } from '@iso20000/service-kit';
import { loadWebConfig } from '../src/config';
import type { GatewayClient } from '../src/gateway-client';
import { translatorFor, type Language } from '../src/i18n';
import type { PageContext, PageResult } from '../src/pages/context';
import { homePage } from '../src/pages/home';
import { layout, withParams } from '../src/pages/layout';
import { verifyFormPage } from '../src/pages/verify';

// Pages that need no data, rendered as the server renders them (the gateway must not be asked).
const unreachable: GatewayClient = {
  query: () => Promise.reject(new Error('no gateway in this test')),
  close: () => Promise.resolve(),
};

function contextFor(path: string, language: Language): PageContext {
  return {
    url: new URL(path, 'http://web.invalid'),
    language,
    t: translatorFor(language),
    requestId: 'test',
    config: loadWebConfig({ PORT: '4010' }),
    gateway: unreachable,
    logger: createLogger('web-test', 'silent'),
    issuerKeys: () => Promise.reject(new Error('no keys in this test')),
    publicRcbs: () => Promise.resolve([]),
    examLevels: () => Promise.resolve([]),
  };
}

const render = (ctx: PageContext, result: PageResult) => {
  if (result.kind !== 'page') throw new Error(`expected a page, got ${result.kind}`);
  return layout(ctx, result).value;
};

describe('page layout', () => {
  it('declares the language, a skip link to main, landmarks and a link to the other language', () => {
    const ctx = contextFor('/?x=1', 'fr');
    const page = render(ctx, homePage(ctx));
    expect(page).toMatch(/^<!doctype html>\s*<html lang="fr">/);
    expect(page).toContain('<a class="skip-link" href="#main">Aller au contenu principal</a>');
    expect(page).toContain('<main id="main" tabindex="-1">');
    expect(page).toMatch(/<header[^>]*>[\s\S]*<nav aria-label="Principale">/);
    expect(page).toContain('<footer');
    expect(page).toMatch(
      /<a class="language" href="\/\?x=1&amp;lang=en" lang="en" hreflang="en"\s*>English<\/a/,
    );
    expect(page).not.toContain('<script');
  });

  it('keeps the search in pagination links but not the one-off language switch', () => {
    const url = new URL('http://web.invalid/registry?name=a%26b&lang=fr&after=abc');
    expect(withParams(url, { after: 'next' })).toBe('/registry?name=a%26b&after=next');
    expect(withParams(url, { after: undefined })).toBe('/registry?name=a%26b');
  });
});

describe('verification form', () => {
  it('sends a number to its own address, and answers an empty or overlong one with 400 and the form', () => {
    expect(verifyFormPage(contextFor('/verify?number=%20f26-7k3q-m9pa%20', 'en'))).toEqual({
      kind: 'redirect',
      status: 303,
      location: '/verify/f26-7k3q-m9pa',
      cache: 'none',
    });
    const empty = contextFor('/verify?number=', 'en');
    const emptyResult = verifyFormPage(empty);
    expect(emptyResult).toMatchObject({ kind: 'page', status: 400, cache: 'none' });
    expect(render(empty, emptyResult)).toContain('Enter a certificate number.');

    const hostile = `"><script>alert(1)</script>${'X'.repeat(10_000)}`;
    const long = contextFor(`/verify?number=${encodeURIComponent(hostile)}`, 'fr');
    const longResult = verifyFormPage(long);
    expect(longResult).toMatchObject({ kind: 'page', status: 400 });
    const html = render(long, longResult);
    expect(html).toContain('Un numéro de certificat compte au plus 40 caractères.');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('aria-invalid="true"');
  });
});
