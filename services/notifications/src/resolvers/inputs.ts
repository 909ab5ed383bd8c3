import { parseOptionalText, parseText, refuse, type KeysetColumn } from '@iso20000/service-kit';
import type { NewWebhookEndpoint } from '../commands/create-webhook-endpoint';
import type { DeliverySettings } from '../config';
import { parseWebhookUrl } from '../domain/webhook-url';
import type { WebhookEventType } from '../domain/webhook-events';
import type { CreateWebhookEndpointInput } from '../generated/graphql';

/** Numbers one endpoint may watch: a tender platform's suppliers, not the whole registry. */
export const MAX_WATCHED_NUMBERS = 500;
export const MAX_CONCURRENCY = 10;

function parseNumbers(values: readonly string[] | null | undefined, field: string): string[] {
  const list = values ?? [];
  if (list.length > MAX_WATCHED_NUMBERS)
    throw refuse.badInput(`${field} holds at most ${MAX_WATCHED_NUMBERS} numbers`, { field });
  return [...new Set(list.map((value, i) => parseText(value, { field: `${field}[${i}]`, max: 100 })))];
}

/** The endpoint as asked for, each part checked: a refusal names the field to change. */
export function toNewEndpoint(
  input: CreateWebhookEndpointInput,
  settings: DeliverySettings,
): NewWebhookEndpoint {
  if (input.eventTypes.length === 0)
    throw refuse.badInput('Subscribe to at least one event type', { field: 'input.eventTypes' });
  const maxConcurrency = input.maxConcurrency ?? 1;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > MAX_CONCURRENCY)
    throw refuse.badInput(`maxConcurrency is between 1 and ${MAX_CONCURRENCY}`, {
      field: 'input.maxConcurrency',
    });
  return {
    url: parseWebhookUrl(input.url, settings, 'input.url'),
    description: parseOptionalText(input.description, { field: 'input.description', max: 500 }),
    eventTypes: [...new Set(input.eventTypes as WebhookEventType[])],
    certificateNumbers: parseNumbers(input.certificateNumbers, 'input.certificateNumbers'),
    certificationNumbers: parseNumbers(input.certificationNumbers, 'input.certificationNumbers'),
    maxConcurrency,
  };
}

export function parseInstant(value: Date | string, field: string): Date {
  const instant = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(instant.getTime()))
    throw refuse.badInput(`${field} is not an ISO 8601 instant`, { field });
  return instant;
}

/** Keyset order of a list: when it was created, then its id (both indexed with the list's filter). */
export function byCreation<T extends { id: string; createdAt: Date }>(alias: string): KeysetColumn<T>[] {
  return [
    {
      sql: `${alias}.created_at`,
      cast: 'timestamptz',
      orderBy: `${alias}.createdAt`,
      value: (row) => row.createdAt.toISOString(),
    },
    { sql: `${alias}.id`, cast: 'uuid', orderBy: `${alias}.id`, value: (row) => row.id },
  ];
}
