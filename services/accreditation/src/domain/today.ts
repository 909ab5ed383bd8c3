/** Today (UTC) as YYYY-MM-DD: the calendar day the scheme's dates are compared with. */
export function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
