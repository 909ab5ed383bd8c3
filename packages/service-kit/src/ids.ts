import { refuse } from './refusal';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * Every id this API issues is a uuid. Anything else is the client's mistake, answered the same way
 * everywhere (BAD_USER_INPUT naming the argument) before it reaches SQL.
 */
export function parseId(value: string, field: string): string {
  if (!isUuid(value)) {
    const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
    throw refuse.badInput(`${field} must be an id this API issued (a uuid), got "${shown}"`, { field });
  }
  return value.toLowerCase();
}

/** For loaders and entity references: a malformed id names nothing, so it simply resolves to null. */
export function knownIds(ids: readonly string[]): string[] {
  return ids.filter(isUuid).map((id) => id.toLowerCase());
}
