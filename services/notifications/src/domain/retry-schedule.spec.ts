import {
  DEFAULT_RETRY_DELAYS_MS,
  MIN_RETRY_SPAN_MS,
  nextRetryDelayMs,
  parseRetryDelays,
  retrySpanMs,
} from './retry-schedule';

describe('the retry schedule', () => {
  it('covers more than three days with the lowest jitter', () => {
    const lowest = DEFAULT_RETRY_DELAYS_MS.map((_, i) =>
      nextRetryDelayMs(DEFAULT_RETRY_DELAYS_MS, i + 1, () => 0)!,
    );
    expect(retrySpanMs(lowest)).toBeGreaterThanOrEqual(MIN_RETRY_SPAN_MS * 0.8);
    expect(retrySpanMs(DEFAULT_RETRY_DELAYS_MS)).toBeGreaterThan(MIN_RETRY_SPAN_MS);
  });

  it('grows: each delay is at least the one before', () => {
    for (let i = 1; i < DEFAULT_RETRY_DELAYS_MS.length; i++)
      expect(DEFAULT_RETRY_DELAYS_MS[i]).toBeGreaterThanOrEqual(DEFAULT_RETRY_DELAYS_MS[i - 1]);
  });

  it('spreads a delay within ±20 % and ends when the schedule is used up', () => {
    const delays = [1000, 2000];
    expect(nextRetryDelayMs(delays, 1, () => 0)).toBe(800);
    expect(nextRetryDelayMs(delays, 1, () => 1)).toBe(1200);
    expect(nextRetryDelayMs(delays, 2, () => 0.5)).toBe(2000);
    expect(nextRetryDelayMs(delays, 3)).toBeNull();
    expect(nextRetryDelayMs(delays, 0)).toBeNull();
  });

  it('parses milliseconds and refuses anything else', () => {
    expect(parseRetryDelays('10, 20,30')).toEqual([10, 20, 30]);
    expect(() => parseRetryDelays('10,x')).toThrow();
    expect(() => parseRetryDelays('-1')).toThrow();
  });
});
