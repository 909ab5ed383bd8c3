/**
 * When a failed delivery is tried again: the delay after the n-th failed attempt, spread by jitter
 * so that endpoints coming back after an outage are not hit by every delivery in the same second.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The default: fast at first (a receiver restarting), then hours apart; 13 attempts over a little
 * more than three days (77 h) before a delivery is given up.
 */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [
  5 * SECOND,
  30 * SECOND,
  2 * MINUTE,
  10 * MINUTE,
  30 * MINUTE,
  1 * HOUR,
  2 * HOUR,
  4 * HOUR,
  8 * HOUR,
  12 * HOUR,
  24 * HOUR,
  24 * HOUR,
];

/** Retries in production must cover at least this long, so a long weekend's outage loses nothing. */
export const MIN_RETRY_SPAN_MS = 72 * HOUR;

/** Parses "5000,30000,..." (milliseconds); throws on anything else. */
export function parseRetryDelays(value: string): number[] {
  const delays = value.split(',').map((part) => Number(part.trim()));
  if (delays.length === 0 || delays.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error('expected comma-separated whole milliseconds, e.g. 5000,30000,120000');
  }
  return delays;
}

export function retrySpanMs(delays: readonly number[]): number {
  return delays.reduce((sum, d) => sum + d, 0);
}

/**
 * The delay before attempt `failedAttempts + 1`, or null when the schedule is used up. Jitter: a
 * uniform factor in [1 - jitter, 1 + jitter] (default ±20 %), so the span stays close to the schedule.
 */
export function nextRetryDelayMs(
  delays: readonly number[],
  failedAttempts: number,
  random: () => number = Math.random,
  jitter = 0.2,
): number | null {
  if (failedAttempts < 1 || failedAttempts > delays.length) return null;
  const base = delays[failedAttempts - 1];
  return Math.round(base * (1 - jitter + 2 * jitter * random()));
}
