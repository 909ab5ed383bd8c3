import { isIP } from 'node:net';
import { refuse } from '@iso20000/service-kit';
import { refusedAddressReason, type AllowedHosts } from './outbound-address';

export const MAX_WEBHOOK_URL_LENGTH = 2000;

export interface WebhookUrlRules {
  /** Production: https only. */
  httpsOnly: boolean;
  allowedHosts: AllowedHosts;
}

/**
 * An endpoint's address as given: a refusal says what to change. The addresses a name resolves to
 * are checked again at every attempt (see send-webhook.ts), since DNS can change after this.
 */
export function parseWebhookUrl(value: string, rules: WebhookUrlRules, field = 'url'): string {
  if (value.length > MAX_WEBHOOK_URL_LENGTH)
    throw refuse.badInput(`${field} is longer than ${MAX_WEBHOOK_URL_LENGTH} characters`, { field });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse.badInput(`${field} is not an absolute URL`, { field });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw refuse.badInput(`${field} must be an https address`, { field });
  if (url.protocol === 'http:' && rules.httpsOnly)
    throw refuse.badInput(`${field} must use https; plain http is not accepted`, { field });
  if (url.username || url.password)
    throw refuse.badInput(`${field} must not carry a user name or password; verify our signature instead`, {
      field,
    });
  if (url.hash) throw refuse.badInput(`${field} must not have a #fragment`, { field });
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!rules.allowedHosts.allows(host)) {
    if (isIP(host)) {
      const reason = refusedAddressReason(host);
      if (reason) throw refuse.badInput(`${field}: webhooks cannot be sent to ${reason}`, { field });
    } else if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) {
      throw refuse.badInput(`${field}: give a public host name, not ${host}`, { field });
    }
  }
  return url.toString();
}
