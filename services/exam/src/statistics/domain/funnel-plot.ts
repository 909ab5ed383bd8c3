/**
 * Funnel-plot control limits for a proportion (Spiegelhalter 2005, "Funnel plots for comparing
 * institutional performance", Statistics in Medicine 24): around a target rate p0, for a unit of n
 * cases, the limit at probability P is the exact binomial quantile, interpolated so the limits are
 * smooth in n: with r the smallest count with F(r) >= P (F the Binomial(n, p0) distribution),
 * alpha = (F(r) - P) / (F(r) - F(r - 1)) and the limit is (r - alpha) / n. The 95% limits are at
 * P = 0.025 and 0.975, the 99.8% limits at 0.001 and 0.999.
 */

export interface FunnelLimits {
  lower998: number;
  lower95: number;
  upper95: number;
  upper998: number;
}

export type FunnelPosition = 'ABOVE_99_8' | 'ABOVE_95' | 'WITHIN' | 'BELOW_95' | 'BELOW_99_8';

const LEVELS = [0.001, 0.025, 0.975, 0.999] as const;

export function funnelLimits(n: number, target: number): FunnelLimits {
  if (n <= 0 || target <= 0 || target >= 1) {
    const p = Math.min(Math.max(target, 0), 1);
    return { lower998: p, lower95: p, upper95: p, upper998: p };
  }
  const limits: number[] = [];
  const logP = Math.log(target);
  const logQ = Math.log(1 - target);
  let logChoose = 0;
  let previousCdf = 0;
  let cdf = 0;
  let level = 0;
  for (let k = 0; k <= n && level < LEVELS.length; k++) {
    if (k > 0) logChoose += Math.log((n - k + 1) / k);
    previousCdf = cdf;
    cdf = k === n ? 1 : Math.min(cdf + Math.exp(logChoose + k * logP + (n - k) * logQ), 1);
    while (level < LEVELS.length && cdf >= LEVELS[level]) {
      const step = cdf - previousCdf;
      const alpha = step > 0 ? (cdf - LEVELS[level]) / step : 0;
      limits.push(Math.min(Math.max((k - alpha) / n, 0), 1));
      level++;
    }
  }
  while (limits.length < LEVELS.length) limits.push(1);
  const [lower998, lower95, upper95, upper998] = limits;
  return { lower998, lower95, upper95, upper998 };
}

export function funnelPosition(rate: number, limits: FunnelLimits): FunnelPosition {
  if (rate > limits.upper998) return 'ABOVE_99_8';
  if (rate > limits.upper95) return 'ABOVE_95';
  if (rate < limits.lower998) return 'BELOW_99_8';
  if (rate < limits.lower95) return 'BELOW_95';
  return 'WITHIN';
}

const Z_95 = 1.959963984540054;
const Z_998 = 3.090232306167813;

/**
 * Overdispersion (Spiegelhalter 2005, section 5, multiplicative model): each unit's z-score
 * (rate - p0) / sqrt(p0 (1 - p0) / n), winsorised at the 10th and 90th percentiles, and phi = the
 * mean of their squares. phi well above 1 means the units differ by more than binomial chance
 * (ATOs really differ): plain limits then flag a large share of them, and limits widened by
 * sqrt(phi) flag those beyond that spread. 1 when there are fewer than 10 units or no spread.
 */
export function overdispersion(units: ReadonlyArray<{ rate: number; n: number }>, target: number): number {
  if (units.length < 10 || target <= 0 || target >= 1) return 1;
  const z = units
    .map((u) => (u.rate - target) / Math.sqrt((target * (1 - target)) / u.n))
    .sort((a, b) => a - b);
  const low = z[Math.floor(0.1 * (z.length - 1))];
  const high = z[Math.ceil(0.9 * (z.length - 1))];
  const phi = z.reduce((s, x) => s + Math.min(Math.max(x, low), high) ** 2, 0) / z.length;
  return Math.max(phi, 1);
}

/** Normal-approximation limits widened by sqrt(phi), clamped to [0, 1]. */
export function overdispersedLimits(n: number, target: number, phi: number): FunnelLimits {
  const se = Math.sqrt((phi * target * (1 - target)) / n);
  const clamp = (x: number) => Math.min(Math.max(x, 0), 1);
  return {
    lower998: clamp(target - Z_998 * se),
    lower95: clamp(target - Z_95 * se),
    upper95: clamp(target + Z_95 * se),
    upper998: clamp(target + Z_998 * se),
  };
}
