import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { REQUEST_ID_HEADER, requestIdFrom, TrustedProxies, type Logger } from '@iso20000/service-kit';
import { observeHttpRequest } from '@iso20000/telemetry';
import type { JSONWebKeySet } from 'jose';
import { badgePng, examFromSlug } from './badge-image';
import type { WebConfig } from './config';
import { forVisitor, GatewayError, type GatewayClient } from './gateway-client';
import { chooseLanguage, LANGUAGE_COOKIE, translatorFor } from './i18n';
import { bakedBadgeImage, badgeCredentialDownload, badgePage } from './pages/badge';
import type { CachePolicy, PageContext, PageResult } from './pages/context';
import {
  badRequestPage,
  methodNotAllowedPage,
  notFoundPage,
  rateLimitedPage,
  unavailablePage,
} from './pages/errors';
import { homePage } from './pages/home';
import { organizationVerificationPage } from './pages/organization-verify';
import { errorBody, layout } from './pages/layout';
import { COURSE_EXAM_LEVELS, providersPage, type CourseExamLevel } from './pages/providers';
import { certificationPage, registryPage } from './pages/registry';
import { verificationPage, verifyFormPage } from './pages/verify';

type Handler = (ctx: PageContext, ...params: string[]) => PageResult | Promise<PageResult>;

const STYLESHEET = readFileSync(join(__dirname, 'assets', 'site.css'));

const file = (contentType: string, body: Buffer | string, cache: CachePolicy): PageResult => ({
  kind: 'file',
  status: 200,
  contentType,
  body,
  cache,
});

/** The addresses the certificate service names in badges and credentials, and the public pages. */
const ROUTES: Array<[name: string, pattern: RegExp, handler: Handler]> = [
  ['home', /^\/$/, homePage],
  ['badge', /^\/badges\/([^/]+)$/, badgePage],
  ['badge-credential', /^\/badges\/([^/]+)\/credential\.jwt$/, badgeCredentialDownload],
  ['badge-baked-image', /^\/badges\/([^/]+)\/badge\.png$/, bakedBadgeImage],
  [
    'badge-image',
    /^\/badge-images\/([a-z]+)\.png$/,
    (ctx, slug) => {
      const exam = examFromSlug(slug);
      return exam ? file('image/png', badgePng(exam), 'static') : notFoundPage(ctx);
    },
  ],
  ['verify-form', /^\/verify$/, verifyFormPage],
  ['verify', /^\/verify\/(.+)$/, verificationPage],
  // A credential's id names the certificate: its human page is the verification.
  [
    'certificate',
    /^\/certificates\/([^/]+)$/,
    (_ctx, number) => ({
      kind: 'redirect',
      status: 301,
      location: `/verify/${encodeURIComponent(number)}`,
      cache: 'static',
    }),
  ],
  ['registry', /^\/registry$/, registryPage],
  ['registry-verify', /^\/registry\/verify$/, organizationVerificationPage],
  ['registry-certification', /^\/registry\/certifications\/([^/]+)$/, certificationPage],
  ['training-providers', /^\/training-providers$/, providersPage],
  // Relying parties fetch these at the addresses the credentials name (served as the certificate service does).
  [
    'jwks',
    /^\/\.well-known\/jwks\.json$/,
    async (ctx) => file('application/json', JSON.stringify(await ctx.issuerKeys(false)), 'search'),
  ],
  [
    'status-list',
    /^\/status-lists\/([1-9][0-9]{0,5})$/,
    async (ctx, list) => {
      const data = await ctx.gateway.query<{ certificateStatusList: { jwt: string } }>(
        'query WebStatusList($list: Int) { certificateStatusList(list: $list) { jwt } }',
        { list: Number(list) },
        ctx.requestId,
      );
      return file('application/json', JSON.stringify(data.certificateStatusList.jwt), 'live');
    },
  ],
  // The registry's signed records name these (its own issuer key and its two status-list purposes).
  [
    'registry-jwks',
    /^\/registry\/\.well-known\/jwks\.json$/,
    async (ctx) => {
      const data = await ctx.gateway.query<{ registryIssuerKeys: JSONWebKeySet }>(
        '{ registryIssuerKeys { keys { kty crv x kid alg use } } }',
        {},
        ctx.requestId,
      );
      return file('application/json', JSON.stringify(data.registryIssuerKeys), 'search');
    },
  ],
  [
    'registry-status-list',
    /^\/registry\/status-lists\/(suspension|revocation)\/([1-9][0-9]{0,5})$/,
    async (ctx, purpose, list) => {
      const data = await ctx.gateway.query<{ registryStatusList: { jwt: string } }>(
        'query WebRegistryStatusList($purpose: RegistryStatusPurpose!, $list: Int) { registryStatusList(purpose: $purpose, list: $list) { jwt } }',
        { purpose: purpose.toUpperCase(), list: Number(list) },
        ctx.requestId,
      );
      return file('application/json', JSON.stringify(data.registryStatusList.jwt), 'live');
    },
  ],
  ['stylesheet', /^\/assets\/site\.css$/, () => file('text/css; charset=utf-8', STYLESHEET, 'static')],
  ['health', /^\/(health|ready)$/, () => file('application/json', '{"status":"ok"}', 'none')],
];

const CACHE_CONTROL: Record<CachePolicy, string> = {
  live: 'public, no-cache',
  search: 'public, max-age=60',
  static: 'public, max-age=86400',
  none: 'no-store',
};

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

function cached<T>(ttlMs: number, load: () => Promise<T>): (fresh?: boolean) => Promise<T> {
  let value: { at: number; data: Promise<T> } | undefined;
  return (fresh = false) => {
    if (!value || fresh || Date.now() - value.at > ttlMs) {
      const data = load();
      value = { at: Date.now(), data };
      // A failed load is not kept: the next request asks again.
      data.catch(() => {
        if (value?.data === data) value = undefined;
      });
    }
    return value.data;
  };
}

export interface WebServerOptions {
  config: WebConfig;
  gateway: GatewayClient;
  logger: Logger;
}

export function createWebServer({ config, gateway, logger }: WebServerOptions): Server {
  const issuerKeys = cached(300_000, async () => {
    const data = await gateway.query<{ certificateIssuerKeys: JSONWebKeySet }>(
      '{ certificateIssuerKeys }',
      {},
      `web-keys-${randomUUID()}`,
    );
    return data.certificateIssuerKeys;
  });
  const publicRcbs = cached(60_000, async () => {
    const rcbs: Array<{ id: string; name: string }> = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const data: {
        rcbs: {
          edges: Array<{ node: { id: string; name: string } }>;
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      } = await gateway.query(
        'query WebRcbs($after: String) { rcbs(first: 100, after: $after) { edges { node { id name } } pageInfo { hasNextPage endCursor } } }',
        { after },
        `web-rcbs-${randomUUID()}`,
      );
      rcbs.push(...data.rcbs.edges.map((edge) => edge.node));
      if (!data.rcbs.pageInfo.hasNextPage) break;
      after = data.rcbs.pageInfo.endCursor;
    }
    return rcbs.sort((a, b) => a.name.localeCompare(b.name));
  });

  const examLevels = cached(300_000, async () => {
    const data = await gateway.query<{ courseExamLevels: CourseExamLevel[] }>(
      COURSE_EXAM_LEVELS,
      {},
      `web-levels-${randomUUID()}`,
    );
    return data.courseExamLevels;
  });

  const trustedProxies = new TrustedProxies(config.WEB_TRUSTED_PROXIES);

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    found: ReturnType<typeof matchRoute>,
  ): Promise<void> {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(req.headers);
    const choice = chooseLanguage({
      query: url.searchParams.get('lang'),
      cookie: req.headers.cookie,
      acceptLanguage: req.headers['accept-language'],
    });
    const ctx: PageContext = {
      url,
      language: choice.language,
      t: translatorFor(choice.language),
      requestId,
      config,
      gateway: forVisitor(gateway, {
        address: trustedProxies.clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for']),
      }),
      logger,
      issuerKeys: (fresh) => issuerKeys(fresh),
      publicRcbs: () => publicRcbs(),
      examLevels: () => examLevels(),
    };

    let result: PageResult;
    try {
      result = await route(ctx, req.method ?? 'GET', found);
    } catch (error) {
      result = failurePage(ctx, error, logger);
    }

    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      'x-request-id': requestId,
      'cache-control': CACHE_CONTROL[result.cache],
    };
    let body: Buffer | undefined;
    if (result.kind === 'redirect') {
      headers.location = result.location;
    } else if (result.kind === 'file') {
      headers['content-type'] = result.contentType;
      if (result.filename)
        headers['content-disposition'] = `attachment; filename="${result.filename.replace(/[^\w.-]/g, '_')}"`;
      body = Buffer.isBuffer(result.body) ? result.body : Buffer.from(result.body, 'utf8');
    } else {
      headers['content-type'] = 'text/html; charset=utf-8';
      headers['content-language'] = choice.language;
      headers.vary = 'Accept-Language, Cookie';
      if (result.retryAfterSeconds !== undefined) headers['retry-after'] = String(result.retryAfterSeconds);
      body = Buffer.from(layout(ctx, result).value, 'utf8');
    }
    if (choice.explicit) {
      headers['set-cookie'] =
        `${LANGUAGE_COOKIE}=${choice.language}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly` +
        (config.publicBaseUrl.startsWith('https:') ? '; Secure' : '');
      // A response that sets a cookie is for this reader only.
      headers['cache-control'] = result.cache === 'none' ? 'no-store' : 'private, no-cache';
    }
    let status = result.status;
    if (body && result.cache !== 'none' && status === 200) {
      headers.etag = `W/"${createHash('sha1').update(body).digest('base64url')}"`;
      if (req.headers['if-none-match'] === headers.etag) status = 304;
    }
    if (body && status !== 304) headers['content-length'] = String(body.length);
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' || status === 304 ? undefined : body);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const line = { requestId, method: req.method, path: url.pathname, status, ms: Math.round(ms * 10) / 10 };
    if (status >= 500) logger.error(line, 'request');
    else if (status >= 400) logger.info(line, 'request');
    else logger.debug(line, 'request');
  }

  const server = createServer((req, res) => {
    const requestId = requestIdFrom(req.headers);
    req.headers[REQUEST_ID_HEADER] = requestId;
    const url = new URL(req.url ?? '/', 'http://web.invalid');
    const found = matchRoute(url.pathname);
    observeHttpRequest({ req, res, route: found?.name ?? 'not-found', requestId }, () =>
      handle(req, res, url, found),
    ).catch((error: unknown) => {
      logger.error({ err: error }, 'response failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Internal error');
    });
  });
  // Above the usual load balancer idle timeout, so a kept-alive connection is closed by the client side.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

/** The route an address matches (its name labels metrics and spans), with its parameters. */
function matchRoute(path: string): { name: string; handler: Handler; match: RegExpExecArray } | null {
  for (const [name, pattern, handler] of ROUTES) {
    const match = pattern.exec(path);
    if (match) return { name, handler, match };
  }
  return null;
}

async function route(
  ctx: PageContext,
  method: string,
  found: ReturnType<typeof matchRoute>,
): Promise<PageResult> {
  if (found) {
    const { match, handler } = found;
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowedPage(ctx);
    let params: string[];
    try {
      params = match.slice(1).map((p) => decodeURIComponent(p));
    } catch {
      return badRequestPage(
        ctx,
        ctx.t('errors.badRequestTitle'),
        errorBody(ctx, ctx.t('errors.badRequestTitle'), ctx.t('errors.notFound')),
      );
    }
    return handler(ctx, ...params);
  }
  return notFoundPage(ctx);
}

/** Whatever failed becomes a page with the right status: never a stack trace. */
function failurePage(ctx: PageContext, error: unknown, logger: Logger): PageResult {
  if (error instanceof GatewayError) {
    if (error.code === 'RATE_LIMITED') return rateLimitedPage(ctx, error.retryAfterSeconds);
    if (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN') return notFoundPage(ctx);
    if (error.code === 'BAD_USER_INPUT')
      return badRequestPage(
        ctx,
        ctx.t('errors.badRequestTitle'),
        errorBody(ctx, ctx.t('errors.badRequestTitle'), error.message),
      );
    return unavailablePage(ctx);
  }
  logger.error({ err: error, requestId: ctx.requestId, path: ctx.url.pathname }, 'page failed');
  return {
    kind: 'page',
    status: 500,
    title: ctx.t('errors.unavailableTitle'),
    body: errorBody(ctx, ctx.t('errors.unavailableTitle'), ctx.t('errors.unavailable')),
    cache: 'none',
  };
}
