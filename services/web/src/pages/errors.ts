import type { SafeHtml } from '../html';
import type { PageContext, PageResult } from './context';
import { errorBody } from './layout';

export const notFoundPage = (ctx: PageContext, message = ctx.t('errors.notFound')): PageResult => ({
  kind: 'page',
  status: 404,
  title: ctx.t('errors.notFoundTitle'),
  body: errorBody(ctx, ctx.t('errors.notFoundTitle'), message),
  cache: 'none',
});

export const goneRevokedPage = (ctx: PageContext): PageResult => ({
  kind: 'page',
  status: 410,
  title: ctx.t('errors.goneTitle'),
  body: errorBody(ctx, ctx.t('errors.goneTitle'), ctx.t('errors.revokedDownload')),
  cache: 'none',
});

export const rateLimitedPage = (ctx: PageContext, retryAfterSeconds?: number): PageResult => ({
  kind: 'page',
  status: 429,
  retryAfterSeconds,
  title: ctx.t('errors.rateLimitedTitle'),
  body: errorBody(ctx, ctx.t('errors.rateLimitedTitle'), ctx.t('errors.rateLimited')),
  cache: 'none',
});

export const unavailablePage = (ctx: PageContext): PageResult => ({
  kind: 'page',
  status: 503,
  title: ctx.t('errors.unavailableTitle'),
  body: errorBody(ctx, ctx.t('errors.unavailableTitle'), ctx.t('errors.unavailable')),
  cache: 'none',
});

export const methodNotAllowedPage = (ctx: PageContext): PageResult => ({
  kind: 'page',
  status: 405,
  title: ctx.t('errors.methodTitle'),
  body: errorBody(ctx, ctx.t('errors.methodTitle'), ctx.t('errors.method')),
  cache: 'none',
});

/** A request a person can correct: the page says what to change (and shows the form again). */
export const badRequestPage = (ctx: PageContext, title: string, body: SafeHtml): PageResult => ({
  kind: 'page',
  status: 400,
  title,
  body,
  cache: 'none',
});
