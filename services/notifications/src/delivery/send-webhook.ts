import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { refusedAddressReason, type AllowedHosts } from '../domain/outbound-address';
import type { AttemptOutcome } from '../entities/webhook-delivery-attempt.entity';

export interface OutboundRules {
  httpsOnly: boolean;
  allowedHosts: AllowedHosts;
  timeoutMs: number;
}

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export interface AttemptResult {
  outcome: AttemptOutcome;
  responseStatus: number | null;
  error: string | null;
  latencyMs: number;
}

/** What is read of an answer: enough to finish the exchange, never a receiver's whole page. */
const MAX_RESPONSE_BYTES = 64 * 1024;

class RefusedAddress extends Error {}
class AttemptTimeout extends Error {}

/**
 * One attempt: resolve the host, refuse it when any address it resolves to is private, loopback,
 * link-local, multicast or reserved (unless allow-listed), connect to the address checked (never
 * resolving again, so DNS rebinding gains nothing), POST, and read the status. Redirects are
 * answers like any other non-2xx: never followed. Everything, DNS included, within the timeout.
 */
export async function sendWebhook(request: WebhookRequest, rules: OutboundRules): Promise<AttemptResult> {
  const started = performance.now();
  const done = (
    outcome: AttemptOutcome,
    responseStatus: number | null,
    error: string | null,
  ): AttemptResult => ({
    outcome,
    responseStatus,
    error: error === null ? null : error.slice(0, 500),
    latencyMs: Math.round(performance.now() - started),
  });
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return done('REFUSED_ADDRESS', null, 'the endpoint URL cannot be read');
  }
  if (url.protocol !== 'https:' && (url.protocol !== 'http:' || rules.httpsOnly))
    return done('REFUSED_ADDRESS', null, `${url.protocol} addresses are not accepted; use https`);

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new AttemptTimeout()), rules.timeoutMs);
  try {
    const target = await checkedAddress(url, rules.allowedHosts, controller.signal);
    const status = await post(url, target, request, controller.signal);
    if (status >= 200 && status < 300) return done('SUCCEEDED', status, null);
    const why = status >= 300 && status < 400 ? 'a redirect (not followed)' : `HTTP ${status}`;
    return done('HTTP_ERROR', status, `the endpoint answered ${why}`);
  } catch (error) {
    const reason = controller.signal.aborted ? controller.signal.reason : error;
    if (reason instanceof AttemptTimeout)
      return done('TIMEOUT', null, `no answer within ${rules.timeoutMs} ms`);
    if (reason instanceof RefusedAddress) return done('REFUSED_ADDRESS', null, reason.message);
    return done('NETWORK_ERROR', null, reason instanceof Error ? `${reason.message}` : String(reason));
  } finally {
    clearTimeout(timer);
  }
}

interface Target {
  address: string;
  family: 4 | 6;
}

async function checkedAddress(url: URL, allowed: AllowedHosts, signal: AbortSignal): Promise<Target> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host);
  const addresses: LookupAddress[] =
    literal !== 0 ? [{ address: host, family: literal }] : await resolveAll(host, signal);
  if (addresses.length === 0) throw new Error(`${host} resolves to no address`);
  if (!allowed.allows(host)) {
    for (const { address } of addresses) {
      const reason = refusedAddressReason(address);
      if (reason) throw new RefusedAddress(`${host} resolves to ${address}: ${reason}`);
    }
  }
  const first = addresses[0];
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

function resolveAll(host: string, signal: AbortSignal): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => {
      signal.removeEventListener('abort', onAbort);
      if (error) reject(new Error(`${host} cannot be resolved (${error.code ?? error.message})`));
      else resolve(addresses);
    });
  });
}

function post(url: URL, target: Target, request: WebhookRequest, signal: AbortSignal): Promise<number> {
  // the connection goes to the checked address; TLS still checks the certificate against the host name
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const body = Buffer.from(request.body, 'utf8');
  const options: http.RequestOptions = {
    method: 'POST',
    lookup: pinned,
    // a fresh connection per attempt: a kept-alive socket would skip the address check
    agent: false,
    signal,
    headers: {
      ...request.headers,
      'content-type': 'application/json',
      'content-length': String(body.length),
      'user-agent': 'iso20000-webhooks/1',
    },
  };
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(url, options, (res) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_RESPONSE_BYTES) res.destroy();
      });
      res.on('close', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}
