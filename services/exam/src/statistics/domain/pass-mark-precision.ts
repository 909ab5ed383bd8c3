/**
 * Measurement error at the pass mark and decision consistency, for tests of n right/wrong
 * questions (the binomial error model).
 *
 * - Lord's conditional SEM (Lord 1955, 1957): under the binomial error model the error variance of
 *   an observed score x of n questions is x (n - x) / (n - 1), so at the pass mark c:
 *   CSEM(c) = sqrt(c (n - c) / (n - 1)). Unlike sd sqrt(1 - reliability) it is the error where the
 *   pass/fail decision is made, not an average over all scores.
 * - Subkoviak's (1976) single-administration decision consistency: each candidate's true proportion
 *   is estimated by Kelley's regression, p = r x / n + (1 - r) mean / n; the chance of passing a
 *   parallel form is P = P(Binomial(n, p) >= c), of the same decision twice P^2 + (1 - P)^2. The
 *   mean of that over candidates is the agreement p0; kappa = (p0 - pc) / (1 - pc) with pc the
 *   agreement expected by chance from the mean pass probability.
 */

export function lordConditionalSem(questions: number, score: number): number {
  if (questions < 2) return 0;
  return Math.sqrt((score * (questions - score)) / (questions - 1));
}

/** P(X >= c) for X ~ Binomial(n, p), summed in logarithms (n up to a few hundred). */
export function binomialAtLeast(n: number, p: number, c: number): number {
  if (c <= 0) return 1;
  if (c > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let logChoose = 0; // ln C(n, k), built up from k = 0
  let total = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logChoose += Math.log((n - k + 1) / k);
    if (k >= c) total += Math.exp(logChoose + k * Math.log(p) + (n - k) * Math.log(1 - p));
  }
  return Math.min(total, 1);
}

export interface DecisionConsistencySums {
  sittings: number;
  /** Sum over candidates of P^2 + (1 - P)^2. */
  agreement: number;
  /** Sum over candidates of P. */
  passProbability: number;
}

/** The Subkoviak sums of one form's score distribution (score -> sittings), additive over forms. */
export function subkoviakSums(
  distribution: ReadonlyArray<readonly [score: number, sittings: number]>,
  questions: number,
  passMark: number,
  reliability: number,
): DecisionConsistencySums {
  const sittings = distribution.reduce((s, [, w]) => s + w, 0);
  if (sittings === 0) return { sittings: 0, agreement: 0, passProbability: 0 };
  const mean = distribution.reduce((s, [x, w]) => s + x * w, 0) / sittings;
  const r = Math.min(Math.max(reliability, 0), 1);
  let agreement = 0;
  let passProbability = 0;
  for (const [x, w] of distribution) {
    const p = (r * x + (1 - r) * mean) / questions;
    const pass = binomialAtLeast(questions, p, passMark);
    agreement += w * (pass * pass + (1 - pass) * (1 - pass));
    passProbability += w * pass;
  }
  return { sittings, agreement, passProbability };
}

/** p0 and kappa from (summed) Subkoviak sums. */
export function decisionConsistency(
  sums: DecisionConsistencySums,
): { agreement: number; kappa: number | null } | null {
  if (sums.sittings === 0) return null;
  const p0 = sums.agreement / sums.sittings;
  const pass = sums.passProbability / sums.sittings;
  const chance = pass * pass + (1 - pass) * (1 - pass);
  return { agreement: p0, kappa: chance < 1 ? (p0 - chance) / (1 - chance) : null };
}
