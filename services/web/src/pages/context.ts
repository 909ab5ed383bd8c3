import type { Logger } from '@iso20000/service-kit';
import type { JSONWebKeySet } from 'jose';
import type { WebConfig } from '../config';
import type { GatewayClient } from '../gateway-client';
import type { SafeHtml } from '../html';
import type { Language, Translate } from '../i18n';

/** Everything a page handler needs for one request. */
export interface PageContext {
  url: URL;
  language: Language;
  t: Translate;
  requestId: string;
  config: WebConfig;
  gateway: GatewayClient;
  logger: Logger;
  /** The issuer's published keys (cached; `fresh` refetches). */
  issuerKeys(fresh: boolean): Promise<JSONWebKeySet>;
  /** Appointed RCBs for the registry's filter (cached). */
  publicRcbs(): Promise<Array<{ id: string; name: string }>>;
  /** The exam levels and the languages each is offered in (reference data, cached). */
  examLevels(): Promise<Array<{ examCode: string; name: string; languages: string[] }>>;
}

/**
 * How long a response may be reused. `live`: stored but revalidated every time (an ETag makes that
 * cheap), for answers that must show a revocation at once; `search`: a minute; `static`: a day.
 */
export type CachePolicy = 'live' | 'search' | 'static' | 'none';

export type PageResult =
  | {
      kind: 'page';
      status: number;
      title: string;
      body: SafeHtml;
      head?: SafeHtml;
      cache: CachePolicy;
      /** Sent as Retry-After (a 429 or 503 page). */
      retryAfterSeconds?: number;
    }
  | { kind: 'redirect'; status: 301 | 302 | 303; location: string; cache: CachePolicy }
  | {
      kind: 'file';
      status: number;
      contentType: string;
      body: Buffer | string;
      cache: CachePolicy;
      /** Offered as a download with this name. */
      filename?: string;
    };

/** A query parameter, trimmed; empty is absent. */
export function param(url: URL, name: string): string | undefined {
  const value = url.searchParams.get(name)?.trim();
  return value ? value : undefined;
}
