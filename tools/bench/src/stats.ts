/** Pure statistics over latency samples and repeated runs; no I/O, unit-tested. */

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of ascending-sorted values (p in 0..100); NaN for no values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0];
  if (p >= 100) return sorted[sorted.length - 1];
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)];
}

export function summarizeLatencies(values: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: sorted.length,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
  };
}

/** The median of a set of values (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const middle = Math.floor(finite.length / 2);
  return finite.length % 2 ? finite[middle] : (finite[middle - 1] + finite[middle]) / 2;
}

/** One timed run of one contender on one scenario. */
export interface RunMeasurement {
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  latency: LatencySummary;
  /** Failed requests: connection errors, timeouts, non-2xx and GraphQL errors in the body. */
  errors: number;
}

export interface MedianMeasurement {
  runs: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Failed requests over every run, in total (one is enough to fail the scenario). */
  errors: number;
  /** Share of all requests over all runs that failed (0..1). */
  errorRate: number;
}

/** Medians over repeated runs, so one noisy run (GC, a neighbour's burst) cannot decide a comparison. */
export function medianOfRuns(runs: readonly RunMeasurement[]): MedianMeasurement {
  const requests = runs.reduce((sum, run) => sum + run.requests, 0);
  const errors = runs.reduce((sum, run) => sum + run.errors, 0);
  return {
    runs: runs.length,
    requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
    p50: median(runs.map((run) => run.latency.p50)),
    p95: median(runs.map((run) => run.latency.p95)),
    p99: median(runs.map((run) => run.latency.p99)),
    errors,
    errorRate: requests + errors > 0 ? errors / Math.max(requests, errors) : 0,
  };
}

/** Throughput relative to ours: 1.25 means 25 % more requests per second than our gateway. */
export function ratioTo(reference: number, value: number): number {
  if (!Number.isFinite(reference) || !Number.isFinite(value) || reference <= 0) return Number.NaN;
  return value / reference;
}

/** Consecutive warm-up rounds whose throughput differs by at most this share count as settled. */
export const SETTLED_WITHIN = 0.05;

/**
 * Whether the last two rounds of a warm-up agree within SETTLED_WITHIN, and the last is no faster
 * than the one before by more than that (still rising means still warming).
 */
export function warmupSettled(rates: readonly number[], within = SETTLED_WITHIN): boolean {
  if (rates.length < 2) return false;
  const last = rates[rates.length - 1];
  const previous = rates[rates.length - 2];
  if (!(previous > 0) || !(last > 0)) return false;
  return Math.abs(last - previous) / previous <= within;
}
