import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Carried from the gateway to every subgraph, and from there into events, so one request is traceable. */
export const REQUEST_ID_HEADER = 'x-request-id';

const acceptable = /^[A-Za-z0-9._:-]{8,100}$/;

export function requestIdFrom(headers: IncomingHttpHeaders): string {
  const incoming = headers[REQUEST_ID_HEADER];
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && acceptable.test(value) ? value : randomUUID();
}
