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

/** One-sided z of a unit's item p-value against the scheme's, at the unit's size. */
export function driftZ(unitP: number, schemeP: number, n: number): number | null {
  const variance = (schemeP * (1 - schemeP)) / n;
  return variance > 0 ? (unitP - schemeP) / Math.sqrt(variance) : null;
}

/** z beyond which an item is flagged (the 99.8% two-sided level, as the funnel's outer limits). */
export const DRIFT_FLAG_Z = 3.090232306167813;
