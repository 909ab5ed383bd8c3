import { badUserInput, notFound } from '@iso20000/service-kit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** An id that cannot exist is simply not found (and never reaches SQL as an invalid uuid). */
export function requireId(value: string, what: string): string {
  if (!isUuid(value)) throw notFound(`No ${what} ${value}`);
  return value.toLowerCase();
}

/** Trimmed text between 1 and max characters, or BAD_USER_INPUT naming the field. */
export function requireText(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  if (!trimmed) throw badUserInput(`${field} must not be empty`, { field });
  if (trimmed.length > max) throw badUserInput(`${field} must be at most ${max} characters`, { field });
  return trimmed;
}
