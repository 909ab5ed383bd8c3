import { html, type SafeHtml } from '../html';
import { LANGUAGES, type Language } from '../i18n';
import type { PageContext } from './context';

/** The same address in the other language (?lang=, remembered by a cookie). */
export function languageSwitchUrl(url: URL, language: Language): string {
  const target = new URL(url.toString());
  target.searchParams.set('lang', language);
  return `${target.pathname}${target.search}`;
}

/** A link that keeps the current query and changes some parameters (pagination). */
export function withParams(url: URL, changes: Record<string, string | undefined>): string {
  const target = new URL(url.toString());
  target.searchParams.delete('lang');
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) target.searchParams.delete(key);
    else target.searchParams.set(key, value);
  }
  return `${target.pathname}${target.search}`;
}

export function layout(ctx: PageContext, page: { title: string; body: SafeHtml; head?: SafeHtml }): SafeHtml {
  const { t, language, url } = ctx;
  const other = LANGUAGES.find((l) => l !== language) ?? 'en';
  const nav: Array<[string, string]> = [
    ['/verify', t('site.verify')],
    ['/registry', t('site.registry')],
    ['/training-providers', t('site.providers')],
  ];
  return html`<!doctype html>
    <html lang="${language}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title} · ${t('site.name')}</title>
        <link rel="stylesheet" href="/assets/site.css" />
        <link rel="alternate" hreflang="${other}" href="${languageSwitchUrl(url, other)}" />
        ${page.head}
      </head>
      <body>
        <a class="skip-link" href="#main">${t('site.skip')}</a>
        <header class="site-header">
          <a class="brand" href="/">${t('site.name')}</a>
          <nav aria-label="${t('site.navLabel')}">
            <ul>
              ${nav.map(
                ([href, label]) =>
                  html`<li>
                    <a href="${href}" ${url.pathname.startsWith(href) ? html` aria-current="page"` : ''}
                      >${label}</a
                    >
                  </li>`,
              )}
            </ul>
          </nav>
          <a class="language" href="${languageSwitchUrl(url, other)}" lang="${other}" hreflang="${other}"
            >${t('site.switchLanguage')}</a
          >
        </header>
        <main id="main" tabindex="-1">${page.body}</main>
        <footer class="site-footer"><p>${t('site.footer')}</p></footer>
      </body>
    </html> `;
}

export function errorBody(ctx: PageContext, title: string, message: string, extra?: SafeHtml): SafeHtml {
  return html`<h1>${title}</h1>
    <p>${message}</p>
    ${extra}
    <p><a href="/">${ctx.t('errors.home')}</a></p>`;
}
