/**
 * Business-day arithmetic for the scheme's promise: a certificate is issued within two business
 * days of the result's release. Dates are calendar dates (YYYY-MM-DD) in the scheme's calendar;
 * weekends (Saturday, Sunday) and the configured public holidays are not business days.
 */
export const ISSUANCE_BUSINESS_DAYS = 2;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface BusinessCalendar {
  /** Public holidays, YYYY-MM-DD. */
  holidays: ReadonlySet<string>;
}

export function toCalendarDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

function parseCalendarDate(date: string): Date {
  if (!ISO_DATE.test(date)) throw new RangeError(`expected a calendar date YYYY-MM-DD, got "${date}"`);
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || toCalendarDate(parsed) !== date) {
    throw new RangeError(`"${date}" is not a real calendar date`);
  }
  return parsed;
}

export function isBusinessDay(date: string, calendar: BusinessCalendar): boolean {
  const weekday = parseCalendarDate(date).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !calendar.holidays.has(date);
}

function nextDay(date: string): string {
  const d = parseCalendarDate(date);
  d.setUTCDate(d.getUTCDate() + 1);
  return toCalendarDate(d);
}

/**
 * The date `days` business days after `date`. A release on a weekend or holiday counts from the
 * next business day, like a release late on a Friday: Friday + 2 = Tuesday, Saturday + 2 = Tuesday.
 */
export function addBusinessDays(date: string, days: number, calendar: BusinessCalendar): string {
  if (!Number.isInteger(days) || days < 0)
    throw new RangeError(`business days must be a whole number >= 0, got ${days}`);
  let current = date;
  parseCalendarDate(current);
  let remaining = days;
  // A year without any business day would be a configuration error; stop rather than loop forever.
  for (let guard = 0; remaining > 0; guard++) {
    if (guard > 366 * 2) throw new RangeError('the holiday calendar leaves no business days');
    current = nextDay(current);
    if (isBusinessDay(current, calendar)) remaining--;
  }
  return current;
}

/** The date by which the electronic certificate of a result released at `releasedAt` is due. */
export function issuanceDueOn(releasedAt: Date, calendar: BusinessCalendar): string {
  return addBusinessDays(toCalendarDate(releasedAt), ISSUANCE_BUSINESS_DAYS, calendar);
}

/** A certificate still pending on a day after its due date is overdue. */
export function isIssuanceOverdue(dueOn: string, today: string): boolean {
  return today > dueOn;
}

/** Parses the CERTIFICATE_PUBLIC_HOLIDAYS setting: comma-separated YYYY-MM-DD dates. */
export function parseHolidayList(value: string | undefined): Set<string> {
  const holidays = new Set<string>();
  for (const raw of (value ?? '').split(',')) {
    const date = raw.trim();
    if (!date) continue;
    parseCalendarDate(date);
    holidays.add(date);
  }
  return holidays;
}
