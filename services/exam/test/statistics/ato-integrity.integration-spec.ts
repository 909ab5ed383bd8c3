import { errorCodes } from '@iso20000/testing';
import { recordReleasedResult, type ReleasedResultFact } from '../../src/statistics';
import { funnelLimits, funnelPosition } from '../../src/statistics/domain/funnel-plot';
import { perturbPart, PublishedValues } from './published-values';
import { fact, id, seeded, withItems } from './statistics-fixtures';
import { ANALYST, startStatisticsTestServer, type StatisticsTestServer } from './statistics-test-server';

/** Spiegelhalter's interpolated exact binomial limit, computed here with C(n, k) products. */
function referenceLimit(n: number, p: number, level: number): number {
  let cdf = 0;
  let coefficient = 1;
  for (let k = 0; k <= n; k++) {
    if (k > 0) coefficient = (coefficient * (n - k + 1)) / k;
    const pmf = coefficient * p ** k * (1 - p) ** (n - k);
    if (cdf + pmf >= level) return (k - (cdf + pmf - level) / pmf) / n;
    cdf += pmf;
  }
  return 1;
}

describe('funnel-plot limits', () => {
  it('are the interpolated exact binomial quantiles (Spiegelhalter 2005)', () => {
    for (const [n, p] of [
      [20, 0.7],
      [57, 0.62],
      [200, 0.05],
    ]) {
      const limits = funnelLimits(n, p);
      expect(limits.lower998).toBeCloseTo(referenceLimit(n, p, 0.001), 10);
      expect(limits.lower95).toBeCloseTo(referenceLimit(n, p, 0.025), 10);
      expect(limits.upper95).toBeCloseTo(referenceLimit(n, p, 0.975), 10);
      expect(limits.upper998).toBeCloseTo(referenceLimit(n, p, 0.999), 10);
    }
  });

  it('narrow as the normal approximation for large cohorts', () => {
    const limits = funnelLimits(20_000, 0.6);
    const se = Math.sqrt((0.6 * 0.4) / 20_000);
    expect(limits.upper95).toBeCloseTo(0.6 + 1.959964 * se, 3);
    expect(limits.lower998).toBeCloseTo(0.6 - 3.090232 * se, 3);
    expect(funnelPosition(0.6 + 2.5 * se, limits)).toBe('ABOVE_95');
    expect(funnelPosition(0.6 - 3.5 * se, limits)).toBe('BELOW_99_8');
    expect(funnelPosition(0.6, limits)).toBe('WITHIN');
  });
});

describe('ATO integrity through the API', () => {
  let server: StatisticsTestServer;
  const random = seeded(23);
  const ato = (name: string, n: number, passRate: number): ReleasedResultFact[] =>
    Array.from({ length: n }, () =>
      fact('FOUNDATION', random() < passRate ? 26 + Math.floor(random() * 14) : Math.floor(random() * 26), {
        atoId: id(name),
      }),
    );
  const ordinary = Array.from({ length: 8 }, (_, i) => ato(`ordinary-${i}`, 40, 0.6));
  const tooGood = ato('too-good', 40, 1);
  const poor = ato('poor', 40, 0.05);
  const small = ato('small', 5, 0.6);
  const publicSittings = Array.from({ length: 30 }, () =>
    fact('FOUNDATION', 10, { atoId: null, sessionKind: 'PUBLIC' }),
  );
  // item drift: form L with 6 questions; ATO "leaky" gets question 3 right every time
  const paper = (theta: number, leaked: boolean) =>
    [0, -0.5, 0.5, 0.2, -0.2, 0.8].map((b, i) =>
      (leaked && i === 2) || random() < 1 / (1 + Math.exp(-1.7 * (theta - b))) ? 1 : 0,
    );
  const driftFacts = [
    ...Array.from({ length: 300 }, (_, i) =>
      withItems(
        fact('AUDITOR', 0, { formId: id('L'), atoId: id(`school-${i % 10}`) }),
        paper(random() * 2 - 1, false),
      ),
    ),
    ...Array.from({ length: 40 }, () =>
      withItems(fact('AUDITOR', 0, { formId: id('L'), atoId: id('leaky') }), paper(random() * 2 - 1, true)),
    ),
  ];

  beforeAll(async () => {
    server = await startStatisticsTestServer();
    await server.database.dataSource.transaction(async (m) => {
      for (const f of [...ordinary.flat(), ...tooGood, ...poor, ...small, ...publicSittings, ...driftFacts])
        await recordReleasedResult(m, f);
    });
  });
  afterAll(() => server.dispose());

  it('places every ATO against the scheme rate with limits for its size, outliers first', async () => {
    const result = await server.run<{
      atoPassRateFunnel: {
        schemeSittings: number;
        schemePassRate: number;
        overdispersion: number;
        points: {
          totalCount: number;
          edges: Array<{ node: Record<string, number | string | boolean | null> }>;
        };
      };
    }>(
      ANALYST,
      `{ atoPassRateFunnel(exam: FOUNDATION) { schemeSittings schemePassRate overdispersion
          points(first: 100) { totalCount edges { node { atoId suppressed sittings passed passRate lower998 lower95 upper95 upper998 position overdispersedPosition } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const funnel = result.data!.atoPassRateFunnel;
    const values = await PublishedValues.read(server.database.dataSource);
    const atoFacts = [...ordinary.flat(), ...tooGood, ...poor, ...small]; // public sessions are not ATOs
    const scheme = values.cellOf(atoFacts);
    const schemePassed = perturbPart(scheme, atoFacts.filter((f) => f.passed).length, 'passed');
    expect(funnel.schemeSittings).toBe(scheme.sittings);
    expect(funnel.schemePassRate).toBeCloseTo(schemePassed / scheme.sittings, 12);
    const nodes = funnel.points.edges.map((e) => e.node);
    expect(funnel.points.totalCount).toBe(11);
    expect(nodes.find((n) => n.atoId === id('too-good'))!.position).toBe('ABOVE_99_8');
    expect(nodes.find((n) => n.atoId === id('poor'))!.position).toBe('BELOW_99_8');
    // ordered by the overdispersed position, outermost first
    const rank = ['ABOVE_99_8', 'BELOW_99_8', 'ABOVE_95', 'BELOW_95', 'WITHIN', null];
    const ranks = nodes.map((n) => rank.indexOf(n.overdispersedPosition as string | null));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(nodes[nodes.length - 1]).toMatchObject({
      atoId: id('small'),
      suppressed: true,
      sittings: null,
      position: null,
    });
    for (const [name, facts] of [
      ['too-good', tooGood],
      ['poor', poor],
      ...ordinary.map((f, i) => [`ordinary-${i}`, f]),
    ] as Array<[string, ReleasedResultFact[]]>) {
      const node = nodes.find((n) => n.atoId === id(name))!;
      const cell = values.cellOf(facts);
      const passed = perturbPart(cell, facts.filter((f) => f.passed).length, 'passed');
      expect(node).toMatchObject({ sittings: cell.sittings, passed });
      const limits = funnelLimits(cell.sittings, schemePassed / scheme.sittings);
      expect(node.upper95).toBeCloseTo(limits.upper95, 12);
      expect(node.lower998).toBeCloseTo(limits.lower998, 12);
      // the position follows from the published (perturbed) counts, so an ordinary ATO whose noise
      // carries it past a limit is placed there: computed here, not assumed WITHIN
      expect(node.position).toBe(funnelPosition(passed / cell.sittings, limits));
    }
    // Spiegelhalter's phi, computed here: z-scores winsorised at the 10th and 90th percentiles
    const target = schemePassed / scheme.sittings;
    const z = nodes
      .filter((n) => !n.suppressed)
      .map(
        (n) =>
          ((n.passRate as number) - target) / Math.sqrt((target * (1 - target)) / (n.sittings as number)),
      )
      .sort((a, b) => a - b);
    const [low, high] = [z[Math.floor(0.1 * (z.length - 1))], z[Math.ceil(0.9 * (z.length - 1))]];
    const phi = Math.max(z.reduce((s, x) => s + Math.min(Math.max(x, low), high) ** 2, 0) / z.length, 1);
    expect(funnel.overdispersion).toBeCloseTo(phi, 4);
    expect(phi).toBeGreaterThan(1); // two extreme ATOs among ten
    // the widened limits flag fewer ATOs than the plain ones, never more
    const outside = (key: string) => nodes.filter((n) => n[key] !== null && n[key] !== 'WITHIN').length;
    expect(outside('overdispersedPosition')).toBeLessThanOrEqual(outside('position'));
  });

  it("flags the questions an ATO's candidates answer far more often right than the scheme's", async () => {
    const result = await server.run<{
      atoItemDrift: {
        suppressed: boolean;
        atoSittings: number;
        items: Array<{ itemNumber: number; flagged: boolean; mhDelta: number; etsClass: string }>;
      };
    }>(
      ANALYST,
      `query($form: ID!, $ato: ID!) { atoItemDrift(formId: $form, atoId: $ato) { suppressed atoSittings schemeSittings items { itemNumber atoPValue schemePValue difference mhDelta etsClass flagged } } }`,
      { form: id('L'), ato: id('leaky') },
    );
    expect(result.errors).toBeUndefined();
    const drift = result.data!.atoItemDrift;
    expect(drift.suppressed).toBe(false);
    expect(drift.atoSittings).toBe(
      (await PublishedValues.read(server.database.dataSource)).cellOf(driftFacts.slice(300)).sittings,
    );
    expect(drift.items.filter((i) => i.flagged).map((i) => i.itemNumber)).toEqual([3]);
    expect(drift.items[2].etsClass).toBe('C');
    expect(drift.items[2].mhDelta).toBeGreaterThan(1.5);
    // an ordinary school: nothing flagged
    const ordinarySchool = await server.run<{ atoItemDrift: { items: Array<{ flagged: boolean }> } }>(
      ANALYST,
      `query($form: ID!, $ato: ID!) { atoItemDrift(formId: $form, atoId: $ato) { items { flagged } } }`,
      { form: id('L'), ato: id('school-3') },
    );
    expect(ordinarySchool.data!.atoItemDrift.items.some((i) => i.flagged)).toBe(false);
    // an ATO without sittings of the form: nothing to show
    const none = await server.run<{ atoItemDrift: { suppressed: boolean; items: unknown[] } }>(
      ANALYST,
      `query($form: ID!, $ato: ID!) { atoItemDrift(formId: $form, atoId: $ato) { suppressed items { itemNumber } } }`,
      { form: id('L'), ato: id('poor') },
    );
    expect(none.data!.atoItemDrift).toEqual({ suppressed: true, items: [] });
    const refused = await server.run(
      ANALYST,
      `{ atoItemDrift(formId: "nope", atoId: "${id('leaky')}") { suppressed } }`,
    );
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
  });
});
