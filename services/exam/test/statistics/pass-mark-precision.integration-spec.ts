import { recordReleasedResult } from '../../src/statistics';
import {
  binomialAtLeast,
  decisionConsistency,
  lordConditionalSem,
  subkoviakSums,
} from '../../src/statistics/domain/pass-mark-precision';
import { perturbPart, PublishedValues } from './published-values';
import { fact, id, mean, seeded, variance, withItems } from './statistics-fixtures';
import { ANALYST, startStatisticsTestServer, type StatisticsTestServer } from './statistics-test-server';

/** C(n, k) as a product, for the reference binomial here. */
const choose = (n: number, k: number) => {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
};
const atLeast = (n: number, p: number, c: number) => {
  let total = 0;
  for (let k = c; k <= n; k++) total += choose(n, k) * p ** k * (1 - p) ** (n - k);
  return total;
};

describe('measurement error at the pass mark (binomial error model)', () => {
  it("gives Lord's conditional SEM and binomial tails computed by hand", () => {
    // Foundation: 26 of 40 to pass: sqrt(26 * 14 / 39) = sqrt(9.3333) = 3.0551
    expect(lordConditionalSem(40, 26)).toBeCloseTo(Math.sqrt((26 * 14) / 39), 12);
    expect(lordConditionalSem(40, 0)).toBe(0);
    // P(X >= 2), X ~ Bin(3, 0.5) = (3 + 1) / 8
    expect(binomialAtLeast(3, 0.5, 2)).toBeCloseTo(0.5, 12);
    for (const [n, p, c] of [
      [40, 0.65, 26],
      [40, 0.3, 26],
      [10, 0.9, 10],
    ])
      expect(binomialAtLeast(n, p, c)).toBeCloseTo(atLeast(n, p, c), 10);
  });

  it("computes Subkoviak's agreement and kappa on a tiny distribution", () => {
    // 2 questions, pass at 1, reliability 0.5; scores 0 (1 sitting), 1 (2), 2 (1): mean 1
    // Kelley: p(0) = (0.5*0 + 0.5*1)/2 = 0.25, p(1) = 0.5, p(2) = 0.75
    // P(pass) = 1 - (1-p)^2: 0.4375, 0.75, 0.9375
    const pass = [0.4375, 0.75, 0.75, 0.9375];
    const p0 = mean(pass.map((p) => p * p + (1 - p) * (1 - p)));
    const chance = mean(pass) ** 2 + (1 - mean(pass)) ** 2;
    const result = decisionConsistency(
      subkoviakSums(
        [
          [0, 1],
          [1, 2],
          [2, 1],
        ],
        2,
        1,
        0.5,
      ),
    );
    expect(result!.agreement).toBeCloseTo(p0, 12);
    expect(result!.kappa).toBeCloseTo((p0 - chance) / (1 - chance), 12);
  });
});

describe('examPassMarkPrecision through the API', () => {
  let server: StatisticsTestServer;
  const random = seeded(19);
  // 60 Foundation sittings of a 40-question form (pass 26), abilities spread around the pass mark
  const difficulty = Array.from({ length: 40 }, (_, i) => -1.2 + (i * 2) / 39);
  const matrix: number[][] = Array.from({ length: 60 }, () => {
    const theta = random() * 1.2 - 0.2;
    return difficulty.map((b): number => (random() < 1 / (1 + Math.exp(-1.7 * (theta - b))) ? 1 : 0));
  });
  const facts = matrix.map((m) => withItems(fact('FOUNDATION', 0, { formId: id('PM-EN') }), m));
  const small = matrix
    .slice(0, 5)
    .map((m) => withItems(fact('FOUNDATION', 0, { formId: id('PM-JA'), language: 'ja' }), m));

  beforeAll(async () => {
    server = await startStatisticsTestServer();
    await server.database.dataSource.transaction(async (m) => {
      for (const f of [...facts, ...small]) await recordReleasedResult(m, f);
    });
  });
  afterAll(() => server.dispose());

  it('matches the figures computed here from the responses', async () => {
    const result = await server.run<{
      examPassMarkPrecision: Array<Record<string, unknown> & { forms: Array<Record<string, unknown>> }>;
    }>(
      ANALYST,
      `{ examPassMarkPrecision(exams: [FOUNDATION, PRACTITIONER]) { exam passMark maxScore suppressed sittings standardErrorOfMeasurement
          conditionalStandardErrorAtPassMark sittingsNearPassMark shareNearPassMark decisionConsistency decisionKappa
          forms { formId language suppressed sittings standardErrorOfMeasurement conditionalStandardErrorAtPassMark
            sittingsNearPassMark shareNearPassMark decisionConsistency decisionKappa } } }`,
    );
    expect(result.errors).toBeUndefined();
    const [foundation, practitioner] = result.data!.examPassMarkPrecision;
    // independent figures: KR-20 from the matrix, Lord's CSEM, the band count, Subkoviak with the binomial above
    const totals = matrix.map((row) => row.reduce((s, x) => s + x, 0));
    const pq = difficulty.map((_, i) => variance(matrix.map((row) => row[i]))).reduce((s, x) => s + x, 0);
    const kr20 = (40 / 39) * (1 - pq / variance(totals));
    const sem = Math.sqrt(variance(totals)) * Math.sqrt(1 - kr20);
    const csem = Math.sqrt((26 * 14) / 39);
    const near = totals.filter((t) => Math.abs(t - 26) <= csem).length;
    const m = mean(totals);
    const pass = totals.map((t) => atLeast(40, (kr20 * t + (1 - kr20) * m) / 40, 26));
    const p0 = mean(pass.map((p) => p * p + (1 - p) * (1 - p)));
    const chance = mean(pass) ** 2 + (1 - mean(pass)) ** 2;
    const values = await PublishedValues.read(server.database.dataSource);
    const cell = values.cellOf(facts);
    const within = (value: unknown, exact: number) =>
      expect(Math.abs((value as number) - exact)).toBeLessThanOrEqual(0.00005 + 1e-9);

    const [en, ja] = foundation.forms;
    expect(en).toMatchObject({
      formId: id('PM-EN'),
      language: 'en',
      suppressed: false,
      sittings: cell.sittings,
    });
    within(en.standardErrorOfMeasurement, sem);
    within(en.conditionalStandardErrorAtPassMark, csem);
    expect(en.sittingsNearPassMark).toBe(perturbPart(cell, near, 'nearPassMark'));
    expect(en.shareNearPassMark).toBeCloseTo((en.sittingsNearPassMark as number) / cell.sittings, 12);
    within(en.decisionConsistency, p0);
    within(en.decisionKappa, (p0 - chance) / (1 - chance));
    expect(near).toBeGreaterThan(10); // the data really puts candidates at the cut
    // 5 Japanese sittings: suppressed; the exam counts both forms
    expect(ja).toMatchObject({
      formId: id('PM-JA'),
      suppressed: true,
      sittings: null,
      decisionConsistency: null,
    });
    expect(foundation).toMatchObject({ exam: 'FOUNDATION', passMark: 26, maxScore: 40, suppressed: false });
    expect(foundation.sittings).toBe(values.cellOf([...facts, ...small]).sittings);
    // Practitioner has no released results here (and polytomous questions anyway)
    expect(practitioner).toMatchObject({ exam: 'PRACTITIONER', suppressed: true, forms: [] });
  });
});
