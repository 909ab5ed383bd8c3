import { errorCodes, type OperationResult } from '@iso20000/testing';
import { DataSource } from 'typeorm';
import {
  bumpRollupVersion,
  rebuildRollups,
  recordReleasedResult,
  removeReleasedResult,
  statisticsEntities,
  type ReleasedResultFact,
} from '../../src/statistics';
import {
  derivedKey,
  MAX_PERTURBATION,
  perturbCount,
  perturbPart,
  perturbSum,
  PublishedValues,
} from './published-values';
import { fact, id, mean, median, seeded, variance } from './statistics-fixtures';
import { ANALYST, startStatisticsTestServer, type StatisticsTestServer } from './statistics-test-server';

const GROUP_FIELDS = `key { exam language country atoId sessionKind formId month quarter year }
  suppressed suppressionReason sittings passed passRate meanPercentage medianPercentage stdDevPercentage
  trainerEligible trainerEligibilityRate distribution { fromPercentage toPercentage sittings }`;
const STATISTICS = `query Stats($filter: ExamStatisticsFilter, $groupBy: [ExamStatisticsDimension!]) {
  examStatistics(filter: $filter, groupBy: $groupBy) {
    minGroupSize groupBy total { ${GROUP_FIELDS} }
    groups(first: 1000) { totalCount edges { node { ${GROUP_FIELDS} } } }
  } }`;

interface Group {
  key: Record<string, string | number | null>;
  suppressed: boolean;
  suppressionReason: string | null;
  sittings: number | null;
  passed: number | null;
  passRate: number | null;
  meanPercentage: number | null;
  medianPercentage: number | null;
  stdDevPercentage: number | null;
  trainerEligible: number | null;
  trainerEligibilityRate: number | null;
  distribution: Array<{ fromPercentage: number; toPercentage: number; sittings: number }> | null;
}
interface StatsData {
  examStatistics: {
    minGroupSize: number;
    total: Group;
    groups: { totalCount: number; edges: Array<{ node: Group }> };
  };
}

/**
 * The same numbers, computed independently from the facts in plain JavaScript: the true values,
 * then what the API must publish of them (cell-key perturbation at the cell key of these facts'
 * record keys, summed here; see published-values.ts).
 */
function expected(facts: ReleasedResultFact[], published: PublishedValues) {
  const pct = facts.map((f) => f.percentage);
  const buckets = Array.from({ length: 10 }, () => 0);
  for (const p of pct) buckets[Math.min(Math.floor(p / 10), 9)]++;
  const thresholdPasses = facts.filter((f) => f.passed && f.examCode !== 'FOUNDATION').length;
  const trainer = facts.filter((f) => f.trainerEligible).length;
  const cell = published.cellOf(facts);
  const key = cell.key;
  const n = cell.sittings;
  const passed = perturbPart(cell, facts.filter((f) => f.passed).length, 'passed');
  const hundredths = pct.map((p) => Math.round(p * 100));
  const sum = perturbSum(
    hundredths.reduce((s, x) => s + x, 0),
    derivedKey(key, 'percentageSum'),
    1000,
  );
  const squares = perturbSum(
    hundredths.reduce((s, x) => s + x * x, 0),
    derivedKey(key, 'percentageSquareSum'),
    1_000_000,
  );
  const meanHundredths = Math.min(Math.max(sum / n, 0), 10000);
  const passes = perturbCount(thresholdPasses, derivedKey(key, 'passedWithTrainerThreshold'));
  const eligible = Math.min(perturbCount(trainer, derivedKey(key, 'trainerEligible')), passes);
  return {
    truth: { sittings: facts.length, meanPercentage: mean(pct), stdDevPercentage: Math.sqrt(variance(pct)) },
    sittings: n,
    passed,
    passRate: passed / n,
    meanPercentage: meanHundredths / 100,
    medianPercentage: median(pct),
    stdDevPercentage: Math.sqrt(Math.max(squares / n - meanHundredths ** 2, 0)) / 100,
    trainerEligible: thresholdPasses >= 10 ? eligible : null,
    trainerEligibilityRate: thresholdPasses >= 10 ? eligible / passes : null,
    buckets: buckets.map((count, b) => perturbPart(cell, count, `bucket${b}`)),
  };
}

async function expectGroupMatches(group: Group, facts: ReleasedResultFact[]): Promise<void> {
  const e = expected(facts, await PublishedValues.read(server.database.dataSource));
  expect(group.suppressed).toBe(false);
  expect(group.sittings).toBe(e.sittings);
  // the noise is bounded, so the published count is never far from the truth
  expect(Math.abs(group.sittings! - e.truth.sittings)).toBeLessThanOrEqual(MAX_PERTURBATION);
  expect(group.passed).toBe(e.passed);
  expect(group.passRate).toBeCloseTo(e.passRate, 10);
  expect(group.meanPercentage).toBeCloseTo(e.meanPercentage, 8);
  // the sum moves by at most MAX x 10 points and the count by at most MAX
  const M = MAX_PERTURBATION;
  expect(Math.abs(group.meanPercentage! - e.truth.meanPercentage)).toBeLessThanOrEqual(
    (M * 10 + M * e.truth.meanPercentage) / (e.truth.sittings - M) + 1e-9,
  );
  expect(group.medianPercentage).toBeCloseTo(e.medianPercentage, 8);
  expect(group.stdDevPercentage).toBeCloseTo(e.stdDevPercentage, 8);
  expect(group.trainerEligible).toBe(e.trainerEligible);
  if (e.trainerEligibilityRate === null) expect(group.trainerEligibilityRate).toBeNull();
  else expect(group.trainerEligibilityRate).toBeCloseTo(e.trainerEligibilityRate, 10);
  expect(group.distribution?.map((b) => b.sittings)).toEqual(e.buckets);
}

function expectSuppressed(group: Group, reason: string): void {
  expect(group.suppressed).toBe(true);
  expect(group.suppressionReason).toBe(reason);
  for (const field of [
    'sittings',
    'passed',
    'passRate',
    'meanPercentage',
    'medianPercentage',
    'stdDevPercentage',
    'trainerEligible',
    'trainerEligibilityRate',
    'distribution',
  ] as const) {
    expect(group[field]).toBeNull();
  }
}

let server: StatisticsTestServer;

describe('exam statistics against hand-made results', () => {
  const random = seeded(7);
  const scores = (n: number, low: number, high: number) =>
    Array.from({ length: n }, () => low + Math.floor(random() * (high - low + 1)));
  // ato-1: 12 Foundation sittings in January; ato-2: only 3 (small); ato-3: 15 Japanese ones in February;
  // 11 Auditor sittings at a public session in Germany; 10 Practitioner self-study sittings in March.
  const ato1 = scores(12, 15, 40).map((s) => fact('FOUNDATION', s, { atoId: id('ato-1') }));
  const ato2 = scores(3, 20, 38).map((s) => fact('FOUNDATION', s, { atoId: id('ato-2') }));
  const ato3 = scores(15, 10, 40).map((s) =>
    fact('FOUNDATION', s, {
      atoId: id('ato-3'),
      language: 'ja',
      country: 'JP',
      formId: id('FOUNDATION-ja-A'),
      satOn: '2025-02-03',
    }),
  );
  const auditor = [26, 27, 28, 29, 30, 31, 33, 36, 40, 26, 12].map((s) =>
    fact('AUDITOR', s, { atoId: null, sessionKind: 'PUBLIC', country: 'DE', satOn: '2025-02-20' }),
  );
  const practitioner = [80, 41, 52, 53, 60, 66, 40, 44, 70, 39].map((s) =>
    fact('PRACTITIONER', s, { atoId: null, sessionKind: 'SELF_STUDY', satOn: '2025-03-09' }),
  );
  const all = [...ato1, ...ato2, ...ato3, ...auditor, ...practitioner];

  const stats = async (variables: Record<string, unknown>) => {
    const result = await server.run<StatsData>(ANALYST, STATISTICS, variables);
    expect(result.errors).toBeUndefined();
    return result.data!.examStatistics;
  };

  beforeAll(async () => {
    server = await startStatisticsTestServer();
    await server.database.dataSource.transaction(async (manager) => {
      for (const f of all) await recordReleasedResult(manager, f);
    });
  });
  afterAll(() => server.dispose());
  afterEach(() => {
    delete process.env.STATISTICS_MIN_GROUP_SIZE;
  });

  it('gives the total and per-exam statistics computed independently', async () => {
    const result = await stats({ groupBy: ['EXAM'] });
    expect(result.minGroupSize).toBe(10);
    await expectGroupMatches(result.total, all);
    const byExam = Object.fromEntries(result.groups.edges.map((e) => [e.node.key.exam, e.node]));
    expect(Object.keys(byExam).sort()).toEqual(['AUDITOR', 'FOUNDATION', 'PRACTITIONER']);
    await expectGroupMatches(byExam.FOUNDATION, [...ato1, ...ato2, ...ato3]);
    await expectGroupMatches(byExam.AUDITOR, auditor);
    await expectGroupMatches(byExam.PRACTITIONER, practitioner);
    // 30, 31, 33, 36, 40 of 10 passes, each count within the noise
    expect(byExam.AUDITOR.trainerEligibilityRate).toBeGreaterThanOrEqual(0);
    expect(byExam.AUDITOR.trainerEligibilityRate).toBeLessThanOrEqual(1);
    expect(byExam.FOUNDATION.trainerEligibilityRate).toBeNull();
  });

  it('suppresses a small ATO and publishes the others with their noise (no complementary suppression)', async () => {
    const result = await stats({ groupBy: ['ATO'] });
    const byAto = Object.fromEntries(result.groups.edges.map((e) => [String(e.node.key.atoId), e.node]));
    expectSuppressed(byAto[id('ato-2')], 'SMALL_GROUP');
    await expectGroupMatches(byAto[id('ato-1')], ato1);
    await expectGroupMatches(byAto[id('ato-3')], ato3);
    await expectGroupMatches(byAto.null, [...auditor, ...practitioner]);
    await expectGroupMatches(result.total, all);
  });

  it('reads only the sums the selected fields need, with the same numbers (fragments included)', async () => {
    const full = await stats({ groupBy: ['ATO'] });
    const partial = await server.run<{
      examStatistics: { total: Partial<Group>; groups: { edges: Array<{ node: Partial<Group> }> } };
    }>(
      ANALYST,
      `query { examStatistics(groupBy: [ATO]) { total { ...Total } groups(first: 1000) { edges { node { ... on ExamStatisticsGroup { key { atoId } suppressed sittings passRate } } } } } }
       fragment Total on ExamStatisticsGroup { sittings meanPercentage stdDevPercentage trainerEligibilityRate }`,
    );
    expect(partial.errors).toBeUndefined();
    const { total, groups } = partial.data!.examStatistics;
    expect(total).toEqual({
      sittings: full.total.sittings,
      meanPercentage: full.total.meanPercentage,
      stdDevPercentage: full.total.stdDevPercentage,
      trainerEligibilityRate: full.total.trainerEligibilityRate,
    });
    expect(groups.edges.map((e) => e.node)).toEqual(
      full.groups.edges.map(({ node }) => ({
        key: { atoId: node.key.atoId },
        suppressed: node.suppressed,
        sittings: node.sittings,
        passRate: node.passRate,
      })),
    );
    const sittingsOnly = await server.run<{
      examStatistics: { groups: { edges: Array<{ node: { sittings: number | null } }> } };
    }>(ANALYST, `{ examStatistics(groupBy: [ATO]) { groups { edges { node { sittings } } } } }`);
    expect(sittingsOnly.data!.examStatistics.groups.edges.map((e) => e.node.sittings)).toEqual(
      full.groups.edges.map((e) => e.node.sittings),
    );
  });

  it('pages through the groups with the same numbers, medians and histograms read for each page', async () => {
    const full = await stats({ groupBy: ['LANGUAGE', 'MONTH'] });
    const pages: Group[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      type Page = {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        edges: Array<{ node: Group }>;
      };
      const result: OperationResult<{ examStatistics: { groups: Page } }> = await server.run<{
        examStatistics: { groups: Page };
      }>(
        ANALYST,
        `query($after: String) { examStatistics(groupBy: [LANGUAGE, MONTH]) { groups(first: 2, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } edges { node { ${GROUP_FIELDS} } } } } }`,
        { after },
      );
      const groups: Page = result.data!.examStatistics.groups;
      expect(groups.totalCount).toBe(full.groups.totalCount);
      pages.push(...groups.edges.map((e) => e.node));
      if (!groups.pageInfo.hasNextPage) break;
      after = groups.pageInfo.endCursor;
    }
    expect(pages).toEqual(full.groups.edges.map((e) => e.node));
    expect(pages.some((g) => !g.suppressed && g.medianPercentage !== null)).toBe(true);
  });

  it('uses the configured minimum group size', async () => {
    process.env.STATISTICS_MIN_GROUP_SIZE = '13';
    const result = await stats({ groupBy: ['EXAM'] });
    expect(result.minGroupSize).toBe(13);
    const byExam = Object.fromEntries(result.groups.edges.map((e) => [e.node.key.exam, e.node]));
    expectSuppressed(byExam.PRACTITIONER, 'SMALL_GROUP');
    expectSuppressed(byExam.AUDITOR, 'SMALL_GROUP');
    await expectGroupMatches(byExam.FOUNDATION, [...ato1, ...ato2, ...ato3]);
  });

  it('groups by language and month from the monthly rollup with the same numbers', async () => {
    const result = await stats({
      groupBy: ['LANGUAGE', 'MONTH'],
      filter: { exams: ['FOUNDATION', 'AUDITOR'] },
    });
    const groups = result.groups.edges.map((e) => e.node);
    expect(groups.map((g) => [g.key.language, g.key.month])).toEqual([
      ['en', '2025-01'],
      ['en', '2025-02'],
      ['ja', '2025-02'],
    ]);
    await expectGroupMatches(groups[0], [...ato1, ...ato2]);
    await expectGroupMatches(groups[1], auditor);
    await expectGroupMatches(groups[2], ato3);
  });

  it('filters by country, session kind and period, and groups by quarter and year', async () => {
    const gb = await stats({ filter: { countries: ['GB'], fromMonth: '2025-01', toMonth: '2025-02' } });
    await expectGroupMatches(gb.total, [...ato1, ...ato2]);
    const selfStudy = await stats({
      filter: { sessionKinds: ['SELF_STUDY', 'PUBLIC'] },
      groupBy: ['QUARTER', 'YEAR'],
    });
    expect(selfStudy.groups.edges.map((e) => [e.node.key.quarter, e.node.key.year])).toEqual([
      ['2025-Q1', 2025],
    ]);
    await expectGroupMatches(selfStudy.groups.edges[0].node, [...auditor, ...practitioner]);
  });

  it('exports the same result as CSV, with suppressed groups as empty cells', async () => {
    const result = await server.run<{ examStatistics: { csv: string } }>(
      ANALYST,
      `{ examStatistics(groupBy: [ATO]) { csv } }`,
    );
    const lines = result.data!.examStatistics.csv.trim().split('\r\n');
    expect(lines[0]).toMatch(
      /^ato,suppressed,suppression_reason,sittings,passed,pass_rate,mean_percentage,median_percentage/,
    );
    const total = expected(all, await PublishedValues.read(server.database.dataSource));
    expect(lines[1]).toMatch(new RegExp(`^TOTAL,false,,${total.sittings},${total.passed},`));
    const ato2 = lines.find((l) => l.startsWith(`${id('ato-2')},`));
    expect(ato2).toBe(`${id('ato-2')},true,SMALL_GROUP${','.repeat(18)}`);
    expect(lines).toHaveLength(2 + 4);
  });

  it('serves a repeated request from the cache until the rollups version in PostgreSQL changes', async () => {
    const ds = server.database.dataSource;
    const first = await stats({ groupBy: ['EXAM'] });
    // a change that does not go through recordReleasedResult (no version bump) is not seen: proof of the cache
    await ds.query(
      `UPDATE statistics_group_rollup SET sittings = sittings + 1000 WHERE exam_code = 'AUDITOR'`,
    );
    try {
      expect(await stats({ groupBy: ['EXAM'] })).toEqual(first);
      await ds.transaction((m) => bumpRollupVersion(m));
      const after = await stats({ groupBy: ['EXAM'] });
      expect(Math.abs(after.total.sittings! - (all.length + 1000))).toBeLessThanOrEqual(MAX_PERTURBATION);
    } finally {
      await ds.query(
        `UPDATE statistics_group_rollup SET sittings = sittings - 1000 WHERE exam_code = 'AUDITOR'`,
      );
      await ds.transaction((m) => bumpRollupVersion(m));
    }
    await expectGroupMatches((await stats({ groupBy: ['EXAM'] })).total, all);
  });

  it('never serves a result made stale by a release in another process', async () => {
    // another process: its own DataSource (pool, and cache) on the same database
    const other = new DataSource({
      type: 'postgres',
      url: server.database.url,
      entities: [...statisticsEntities],
    });
    await other.initialize();
    try {
      await expectGroupMatches((await stats({ groupBy: ['ATO'] })).total, all); // cached here
      const extra = fact('FOUNDATION', 33, { atoId: id('ato-3') });
      await other.transaction((m) => recordReleasedResult(m, extra));
      await expectGroupMatches((await stats({ groupBy: ['ATO'] })).total, [...all, extra]);
      await other.transaction((m) => removeReleasedResult(m, extra.sittingId));
      await expectGroupMatches((await stats({ groupBy: ['ATO'] })).total, all);
    } finally {
      await other.destroy();
    }
  });

  it('rejects a filter it cannot answer with BAD_USER_INPUT', async () => {
    const result = await server.run(ANALYST, STATISTICS, { filter: { fromMonth: '2025-4' } });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].message).toMatch(/fromMonth/);
  });

  it('keeps the rollups equal to a rebuild from the facts through records and removals', async () => {
    const snapshot = async () => {
      const tables = [
        'statistics_score_rollup',
        'statistics_monthly_score_rollup',
        'statistics_group_rollup',
        'statistics_form_rollup',
        'statistics_item_rollup',
        'statistics_form_country_rollup',
        'statistics_item_country_rollup',
      ];
      const out: Record<string, unknown[]> = {};
      for (const t of tables)
        out[t] = await server.database.dataSource.query(`SELECT * FROM ${t} ORDER BY ${t}::text`);
      return out;
    };
    const ds = server.database.dataSource;
    const extra = fact('AUDITOR', 31, { atoId: id('ato-9'), country: 'FR', satOn: '2025-04-01' });
    await ds.transaction(async (m) => {
      expect(await recordReleasedResult(m, extra)).toBe(true);
      expect(await recordReleasedResult(m, extra)).toBe(false); // idempotent
      expect(await removeReleasedResult(m, ato1[0].sittingId)).toBe(true);
      expect(await removeReleasedResult(m, ato1[0].sittingId)).toBe(false);
    });
    const incremental = await snapshot();
    await ds.transaction((m) => rebuildRollups(m));
    expect(await snapshot()).toEqual(incremental);
    const result = await stats({ groupBy: ['EXAM'] });
    await expectGroupMatches(result.total, [...all.slice(1), extra]);
    // put the data back as the other tests expect it
    await ds.transaction(async (m) => {
      await removeReleasedResult(m, extra.sittingId);
      await recordReleasedResult(m, ato1[0]);
    });
    await expectGroupMatches((await stats({})).total, all);
  });
});
