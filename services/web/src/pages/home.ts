import { html } from '../html';
import type { PageContext, PageResult } from './context';

export function homePage(ctx: PageContext): PageResult {
  const { t } = ctx;
  const card = (href: string, title: string, text: string) =>
    html`<li class="card">
      <h2><a href="${href}">${title}</a></h2>
      <p>${text}</p>
    </li>`;
  return {
    kind: 'page',
    status: 200,
    title: t('home.title'),
    body: html`<h1>${t('home.title')}</h1>
      <p class="lead">${t('home.lead')}</p>
      <ul class="cards">
        ${card('/verify', t('site.verify'), t('home.verifyText'))}
        ${card('/registry', t('site.registry'), t('home.registryText'))}
        ${card('/training-providers', t('site.providers'), t('home.providersText'))}
      </ul>`,
    cache: 'static',
  };
}
