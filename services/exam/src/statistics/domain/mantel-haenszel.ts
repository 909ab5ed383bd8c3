/**
 * Mantel-Haenszel differential item functioning (Holland and Thayer 1988), with the ETS A/B/C
 * classification (Zwick 2012, "A review of ETS differential item functioning assessment
 * procedures"). One 2x2 table per stratum of the matching variable (total score):
 *
 *                 right   wrong
 *   reference       A       B
 *   focal           C       D        T = A + B + C + D
 *
 *   alpha_MH = sum(A D / T) / sum(B C / T)          (> 1: the item favours the reference group)
 *   MH D-DIF = -2.35 ln(alpha_MH)                   (ETS delta scale; negative: against the focal group)
 *   MH chi-square = (|sum A - sum E(A)| - 1/2)^2 / sum Var(A), with E(A) = n_R m_1 / T and
 *     Var(A) = n_R n_F m_1 m_0 / (T^2 (T - 1))      (1 degree of freedom, continuity corrected)
 *   SE(D-DIF) = 2.35 sqrt(Var(ln alpha_MH)), the Robins-Breslow-Greenland variance.
 *
 * ETS classes: A when |D| < 1 or the chi-square is not significant at 0.05; C when |D| >= 1.5 and
 * |D| is significantly greater than 1 (one-sided z = (|D| - 1) / SE > 1.645); B otherwise.
 */

export interface DifStratum {
  referenceRight: number;
  referenceWrong: number;
  focalRight: number;
  focalWrong: number;
}

export type EtsDifClass = 'A' | 'B' | 'C';

export interface MantelHaenszelResult {
  /** Null when a sum is zero (no stratum with both groups and both answers): no estimate. */
  alpha: number | null;
  delta: number | null;
  deltaStandardError: number | null;
  chiSquare: number | null;
  /** Significance of the chi-square (its upper tail probability, 1 df). */
  significance: number | null;
  etsClass: EtsDifClass | null;
  /** Strata that had both groups (the ones that count). */
  strata: number;
}

const CHI_SQUARE_05 = 3.841458820694124;
const Z_ONE_SIDED_05 = 1.6448536269514722;

export function mantelHaenszel(strata: readonly DifStratum[]): MantelHaenszelResult {
  const result = mantelHaenszelOf(strata, 0);
  // A question one group always (or never) gets right at every score has alpha 0 or infinity: the
  // estimate then uses the Haldane-Anscombe correction (1/2 added to every cell), so the largest
  // DIF is reported as large rather than not at all. The chi-square stays the uncorrected one.
  if (result.alpha !== null || result.chiSquare === null || result.strata === 0) return result;
  const corrected = mantelHaenszelOf(strata, 0.5);
  return {
    ...corrected,
    chiSquare: result.chiSquare,
    significance: result.significance,
    etsClass:
      corrected.delta === null || corrected.deltaStandardError === null
        ? null
        : etsClass(corrected.delta, corrected.deltaStandardError, result.chiSquare),
  };
}

function mantelHaenszelOf(strata: readonly DifStratum[], add: number): MantelHaenszelResult {
  let r = 0;
  let s = 0;
  let a = 0;
  let expected = 0;
  let variance = 0;
  let pr = 0;
  let psqr = 0;
  let qs = 0;
  let used = 0;
  for (let t of strata) {
    if (t.referenceRight + t.referenceWrong === 0 || t.focalRight + t.focalWrong === 0) continue;
    if (add > 0) {
      t = {
        referenceRight: t.referenceRight + add,
        referenceWrong: t.referenceWrong + add,
        focalRight: t.focalRight + add,
        focalWrong: t.focalWrong + add,
      };
    }
    const nR = t.referenceRight + t.referenceWrong;
    const nF = t.focalRight + t.focalWrong;
    const total = nR + nF;
    used++;
    const right = t.referenceRight + t.focalRight;
    const wrong = t.referenceWrong + t.focalWrong;
    const rk = (t.referenceRight * t.focalWrong) / total;
    const sk = (t.referenceWrong * t.focalRight) / total;
    const pk = (t.referenceRight + t.focalWrong) / total;
    const qk = (t.referenceWrong + t.focalRight) / total;
    r += rk;
    s += sk;
    pr += pk * rk;
    psqr += pk * sk + qk * rk;
    qs += qk * sk;
    a += t.referenceRight;
    expected += (nR * right) / total;
    if (total > 1) variance += (nR * nF * right * wrong) / (total * total * (total - 1));
  }
  const chiSquare = variance > 0 ? Math.max(Math.abs(a - expected) - 0.5, 0) ** 2 / variance : null;
  const significance = chiSquare === null ? null : chiSquareUpperTail(chiSquare);
  if (r === 0 || s === 0) {
    return {
      alpha: null,
      delta: null,
      deltaStandardError: null,
      chiSquare,
      significance,
      etsClass: null,
      strata: used,
    };
  }
  const alpha = r / s;
  const delta = -2.35 * Math.log(alpha);
  const logVariance = pr / (2 * r * r) + psqr / (2 * r * s) + qs / (2 * s * s);
  const deltaStandardError = 2.35 * Math.sqrt(logVariance);
  return {
    alpha,
    delta,
    deltaStandardError,
    chiSquare,
    significance,
    etsClass: etsClass(delta, deltaStandardError, chiSquare),
    strata: used,
  };
}

export function etsClass(delta: number, standardError: number, chiSquare: number | null): EtsDifClass {
  const size = Math.abs(delta);
  if (size < 1 || chiSquare === null || chiSquare < CHI_SQUARE_05) return 'A';
  if (size >= 1.5 && standardError > 0 && (size - 1) / standardError > Z_ONE_SIDED_05) return 'C';
  return 'B';
}

/** P(X > x) for a chi-square of 1 degree of freedom: erfc(sqrt(x / 2)). */
export function chiSquareUpperTail(x: number): number {
  return erfc(Math.sqrt(x / 2));
}

/** Complementary error function (Numerical Recipes' erfcc, a Chebyshev fit: fractional error below 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const y =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? y : 2 - y;
}
