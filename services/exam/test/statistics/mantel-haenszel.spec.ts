import {
  chiSquareUpperTail,
  etsClass,
  mantelHaenszel,
  type DifStratum,
} from '../../src/statistics/domain/mantel-haenszel';

const table = (referenceRight: number, referenceWrong: number, focalRight: number, focalWrong: number) => ({
  referenceRight,
  referenceWrong,
  focalRight,
  focalWrong,
});

describe('Mantel-Haenszel DIF', () => {
  it('computes alpha, delta and the chi-square of a hand-built two-stratum table', () => {
    //            right wrong             right wrong
    // score 1: ref  30   10   score 2: ref  15   15
    //          foc  20   20            foc   5   25
    const strata: DifStratum[] = [table(30, 10, 20, 20), table(15, 15, 5, 25)];
    // alpha = (30*20/80 + 15*25/60) / (10*20/80 + 15*5/60) = (7.5 + 6.25) / (2.5 + 1.25) = 13.75 / 3.75
    const alpha = 13.75 / 3.75;
    // sum A = 45; E(A) = 40*50/80 + 30*20/60 = 25 + 10 = 35;
    // Var(A) = 40*40*50*30/(80^2*79) + 30*30*20*40/(60^2*59) = 2,400,000/505,600 + 720,000/212,400
    const variance = 2_400_000 / 505_600 + 720_000 / 212_400;
    const chiSquare = (Math.abs(45 - 35) - 0.5) ** 2 / variance;
    const result = mantelHaenszel(strata);
    expect(result.alpha).toBeCloseTo(alpha, 12);
    expect(result.delta).toBeCloseTo(-2.35 * Math.log(alpha), 12);
    expect(result.chiSquare).toBeCloseTo(chiSquare, 12);
    expect(result.strata).toBe(2);
    // Robins-Breslow-Greenland, term by term: P = (A+D)/T, Q = (B+C)/T, R = AD/T, S = BC/T
    const [p1, q1, r1, s1] = [50 / 80, 30 / 80, 7.5, 2.5];
    const [p2, q2, r2, s2] = [40 / 60, 20 / 60, 6.25, 1.25];
    const [R, S] = [r1 + r2, s1 + s2];
    const logVariance =
      (p1 * r1 + p2 * r2) / (2 * R * R) +
      (p1 * s1 + q1 * r1 + p2 * s2 + q2 * r2) / (2 * R * S) +
      (q1 * s1 + q2 * s2) / (2 * S * S);
    expect(result.deltaStandardError).toBeCloseTo(2.35 * Math.sqrt(logVariance), 12);
    // |D| = 3.05, far beyond 1.5 and significantly above 1: class C, against the focal group
    expect(result.etsClass).toBe('C');
    expect(result.delta!).toBeLessThan(0);
  });

  it('finds no DIF when both groups answer alike at every score', () => {
    const result = mantelHaenszel([table(30, 10, 15, 5), table(10, 30, 6, 18)]);
    expect(result.alpha).toBeCloseTo(1, 12);
    expect(result.delta).toBeCloseTo(0, 12);
    expect(result.etsClass).toBe('A');
  });

  it('skips strata without both groups and gives no estimate when no stratum counts', () => {
    expect(mantelHaenszel([table(5, 5, 0, 0), table(0, 0, 4, 4)])).toMatchObject({
      alpha: null,
      delta: null,
      etsClass: null,
      strata: 0,
    });
    expect(mantelHaenszel([table(5, 0, 5, 0)]).alpha).toBeNull(); // everyone right: no odds
  });

  it('estimates a question one group always gets right with the Haldane-Anscombe correction', () => {
    // the focal group never gets it wrong: alpha would be 0; with 1/2 added to every cell
    // (10.5, 5.5, 8.5, 0.5), T = 25: alpha = (10.5 * 0.5 / 25) / (5.5 * 8.5 / 25)
    const result = mantelHaenszel([table(10, 5, 8, 0)]);
    expect(result.alpha).toBeCloseTo((10.5 * 0.5) / (5.5 * 8.5), 12);
    expect(result.delta!).toBeGreaterThan(0); // in the focal group's favour
    // the chi-square is the uncorrected one: E(A) = 15 * 18 / 23, Var = 15 * 8 * 18 * 5 / (23^2 * 22)
    const chiSquare = (Math.abs(10 - (15 * 18) / 23) - 0.5) ** 2 / ((15 * 8 * 18 * 5) / (23 * 23 * 22));
    expect(result.chiSquare).toBeCloseTo(chiSquare, 12);
  });

  it('classifies by the ETS rules', () => {
    expect(etsClass(-0.9, 0.1, 50)).toBe('A'); // small
    expect(etsClass(-2, 0.1, 3)).toBe('A'); // not significant
    expect(etsClass(-1.2, 0.1, 50)).toBe('B');
    expect(etsClass(1.6, 0.5, 50)).toBe('B'); // large but not significantly above 1
    expect(etsClass(1.6, 0.2, 50)).toBe('C');
  });

  it('gives chi-square tail probabilities', () => {
    expect(chiSquareUpperTail(3.841458820694124)).toBeCloseTo(0.05, 6);
    expect(chiSquareUpperTail(6.634896601021214)).toBeCloseTo(0.01, 6);
    expect(chiSquareUpperTail(0)).toBeCloseTo(1, 6);
  });
});
