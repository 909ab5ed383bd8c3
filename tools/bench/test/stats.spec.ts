import {
  median,
  medianOfRuns,
  percentile,
  ratioTo,
  warmupSettled,
  summarizeLatencies,
  type RunMeasurement,
} from '../src/stats';

const run = (requestsPerSecond: number, p95: number, errors = 0, requests = 1000): RunMeasurement => ({
  requests,
  durationSeconds: 10,
  requestsPerSecond,
  latency: { count: requests, mean: p95 / 2, p50: p95 / 2, p95, p99: p95 * 2, max: p95 * 3 },
  errors,
});

describe('latency statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes unsorted samples', () => {
    const samples = [5, 1, 4, 2, 3, 100, 6, 7, 8, 9];
    const summary = summarizeLatencies(samples);
    expect(summary).toMatchObject({ count: 10, p50: 5, p95: 100, p99: 100, max: 100 });
    expect(summary.mean).toBeCloseTo(14.5);
    expect(samples[0]).toBe(5); // the caller's array is left alone
  });

  it('takes the median of odd and even counts, ignoring non-numbers', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 5])).toBe(5);
    expect(median([])).toBeNaN();
  });

  it('summarizes repeated runs by their medians, so one outlier run does not decide', () => {
    const result = medianOfRuns([run(1000, 10), run(100, 500, 50), run(1100, 12)]);
    expect(result.requestsPerSecond).toBe(1000);
    expect(result.p95).toBe(12);
    // Errors are the total over every run: one failing run is never hidden by two clean ones.
    expect(result.errors).toBe(50);
    expect(result.errorRate).toBeCloseTo(50 / 3000);
  });

  it('calls a warm-up settled when two rounds agree within 5 %, not while it still climbs', () => {
    expect(warmupSettled([500])).toBe(false);
    expect(warmupSettled([500, 900])).toBe(false);
    expect(warmupSettled([500, 900, 930])).toBe(true);
    expect(warmupSettled([900, 1000])).toBe(false);
    expect(warmupSettled([0, 0])).toBe(false);
  });

  it('expresses throughput relative to ours', () => {
    expect(ratioTo(1000, 1500)).toBe(1.5);
    expect(ratioTo(0, 10)).toBeNaN();
  });
});
