import {
  rebuildRollups,
  recordReleasedResult,
  removeReleasedResult,
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
import { fact, id, mean, pearson, seeded, variance, withItems } from './statistics-fixtures';
import { ANALYST, startStatisticsTestServer, type StatisticsTestServer } from './statistics-test-server';

const ITEM_FIELDS = `itemNumber maxMarks responses pValue discrimination options { option share } flags`;
const FORM_FIELDS = `sittings itemCount meanScore stdDevScore reliability reliabilityMethod standardErrorOfMeasurement`;
const ITEM_ANALYSIS = `query Items($formId: ID!, $filter: ExamStatisticsFilter, $translations: [ID!]) {
  itemAnalysis(formId: $formId, filter: $filter, translationFormIds: $translations) {
    formId exam minGroupSize suppressed form { ${FORM_FIELDS} } items { ${ITEM_FIELDS} }
    languages { language suppressed suppressionReason form { ${FORM_FIELDS} } items { ${ITEM_FIELDS} } }
    csv
  } }`;

interface Item {
  itemNumber: number;
  maxMarks: number;
  responses: number;
  pValue: number;
  discrimination: number | null;
  options: Array<{ option: string; share: number }>;
  flags: string[];
}
interface Form {
  sittings: number;
  itemCount: number;
  meanScore: number;
  stdDevScore: number;
  reliability: number | null;
  reliabilityMethod: string;
  standardErrorOfMeasurement: number | null;
}
interface Analysis {
  formId: string;
  exam: string | null;
  suppressed: boolean;
  form: Form | null;
  items: Item[];
  languages: Array<{
    language: string;
    suppressed: boolean;
    suppressionReason: string | null;
    form: Form | null;
    items: Item[];
  }>;
  csv: string;
}

// The textbook example: 5 candidates, 4 items forming a perfect Guttman pattern.
//   p = .8 .6 .4 .2; sum pq = .8; var(T) = 2; KR-20 = 4/3 (1 - .8/2) = 0.8; SEM = sqrt(2) sqrt(.2) = 0.6325
//   item 1 vs rest (3 2 1 0 0): cov = .24, var x = .16, var rest = 1.36, r = .24 / sqrt(.16 * 1.36) = 0.5145
// Each candidate appears twice (10 sittings, the minimum group size): population statistics do not change.
// Question 1 of this paper has a corrected point-biserial of exactly zero (cov(x, T - x) = 0); the
// float formula gives -2.5e-16 for it.
const ZERO_DISCRIMINATION = [
  [1, 0, 0, 0],
  [1, 1, 1, 0],
  [0, 0, 0, 0],
  [1, 1, 1, 0],
  [1, 1, 0, 1],
  [1, 0, 0, 1],
  [0, 0, 1, 1],
  [0, 0, 1, 1],
  [0, 0, 0, 1],
  [1, 0, 0, 0],
  [0, 0, 0, 0],
  [0, 0, 1, 1],
];
const KNOWN = [
  [1, 1, 1, 1],
  [1, 1, 1, 0],
  [1, 1, 0, 0],
  [1, 0, 0, 0],
  [0, 0, 0, 0],
];

/** Independent item statistics from a response matrix (rows = sittings). */
function reference(matrix: number[][], maxMarks: number[]) {
  const totals = matrix.map((row) => row.reduce((s, x) => s + x, 0));
  const k = maxMarks.length;
  const items = maxMarks.map((max, i) => {
    const xs = matrix.map((row) => row[i]);
    const rest = matrix.map((row, r) => totals[r] - row[i]);
    return {
      pValue: mean(xs) / max,
      discrimination: variance(xs) > 0 ? pearson(xs, rest) : null,
      variance: variance(xs),
    };
  });
  const reliability = (k / (k - 1)) * (1 - items.reduce((s, it) => s + it.variance, 0) / variance(totals));
  return {
    items,
    reliability,
    sem: Math.sqrt(variance(totals)) * Math.sqrt(1 - reliability),
    mean: mean(totals),
    sd: Math.sqrt(variance(totals)),
  };
}

const OPTIONS = ['A', 'B', 'C', 'D', 'OTHER', 'OMITTED'] as const;
const optionOf = (chosen: string | null) =>
  chosen === null ? 'OMITTED' : (['A', 'B', 'C', 'D'].find((o) => o === chosen) ?? 'OTHER');

/**
 * What the API must publish of these sittings' counts and sums: the true values computed here from
 * the facts, perturbed at the cell key of their record keys (published-values.ts).
 */
function published(facts: ReleasedResultFact[], values: PublishedValues) {
  const cell = values.cellOf(facts);
  const n = cell.sittings;
  const scores = facts.map((f) => f.score);
  const sum = perturbSum(
    scores.reduce((s, x) => s + x, 0),
    derivedKey(cell.key, 'scoreSum'),
    1,
  );
  const squares = perturbSum(
    scores.reduce((s, x) => s + x * x, 0),
    derivedKey(cell.key, 'scoreSquareSum'),
    10,
  );
  const meanScore = Math.max(sum / n, 0);
  const items = facts[0].itemResponses.map((response, i) => {
    const number = i + 1;
    const max = response.maxMarks;
    const marks = facts.reduce((s, f) => s + f.itemResponses[i].marks, 0);
    const publishedMarks = Math.min(
      perturbCount(marks, derivedKey(cell.key, `item${number}:marks`)),
      n * max,
    );
    return {
      pValue: publishedMarks / (n * max),
      options: OPTIONS.map((option) => ({
        option,
        share:
          perturbPart(
            cell,
            facts.filter((f) => optionOf(f.itemResponses[i].chosenOption) === option).length,
            `item${number}:${option}`,
          ) / n,
      })),
    };
  });
  return {
    sittings: n,
    meanScore,
    stdDevScore: Math.sqrt(Math.max(squares / n - meanScore ** 2, 0)),
    items,
  };
}

/** Correlational statistics are published to 4 decimals. */
const expectTo4 = (value: number | null | undefined, exact: number) =>
  expect(Math.abs(value! - exact)).toBeLessThanOrEqual(0.00005 + 1e-12);

describe('item analysis against hand-made responses', () => {
  let server: StatisticsTestServer;
  const publishedOf = async (facts: ReleasedResultFact[]) =>
    published(facts, await PublishedValues.read(server.database.dataSource));
  const random = seeded(11);
  const record = async (facts: ReleasedResultFact[]) =>
    server.database.dataSource.transaction(async (m) => {
      for (const f of facts) await recordReleasedResult(m, f);
    });
  const analyse = async (formId: string, extra: Record<string, unknown> = {}) => {
    const result = await server.run<{ itemAnalysis: Analysis }>(ANALYST, ITEM_ANALYSIS, { formId, ...extra });
    expect(result.errors).toBeUndefined();
    return result.data!.itemAnalysis;
  };

  // A 6-item paper in English (24 sittings, two countries) and Japanese (12), where item 3 is miskeyed.
  const ability = () => random() * 2 - 1;
  const answer = (theta: number, difficulty: number, miskeyed = false) => {
    const knows = random() < 1 / (1 + Math.exp(-3 * (theta - difficulty)));
    return miskeyed ? (knows ? 0 : random() < 0.5 ? 1 : 0) : knows ? 1 : 0;
  };
  const paper = (theta: number) => [
    answer(theta, -1),
    answer(theta, 0),
    answer(theta, -0.5, true),
    answer(theta, 0.5),
    answer(theta, 0.2),
    answer(theta, -0.2),
  ];
  const en = Array.from({ length: 24 }, (_, i) => paper(ability() + (i % 2 ? 0.2 : 0)));
  const ja = Array.from({ length: 12 }, () => paper(ability()));
  const enFacts = en.map((m, i) =>
    withItems(
      fact('AUDITOR', 0, {
        formId: id('P-EN'),
        country: i % 2 ? 'GB' : 'IE',
        satOn: i < 12 ? '2025-01-10' : '2025-02-10',
      }),
      m,
    ),
  );
  const jaFacts = ja.map((m) =>
    withItems(fact('AUDITOR', 0, { formId: id('P-JA'), language: 'ja', country: 'JP' }), m),
  );
  const knownFacts = [...KNOWN, ...KNOWN].map((m, i) =>
    withItems(fact('AUDITOR', 0, { formId: id('KNOWN') }), m, undefined, i % 2 === 1),
  );
  const zeroFacts = ZERO_DISCRIMINATION.map((m) => withItems(fact('AUDITOR', 0, { formId: id('ZERO') }), m));
  const smallDeFacts = KNOWN.slice(0, 4).map((m) =>
    withItems(fact('AUDITOR', 0, { formId: id('SMALL-DE'), language: 'de' }), m),
  );
  const smallEnFacts = [...KNOWN, ...KNOWN].map((m) =>
    withItems(fact('AUDITOR', 0, { formId: id('SMALL-EN') }), m),
  );
  // Polytomous items (marks 0..max), as Practitioner sub-items: Cronbach's alpha.
  const polyMax = [1, 2, 3, 4];
  const poly = Array.from({ length: 14 }, () => {
    const theta = random();
    return polyMax.map((max) => Math.min(max, Math.floor(theta * (max + 1) + random() * 1.5)));
  });

  beforeAll(async () => {
    server = await startStatisticsTestServer();
    await record([
      ...knownFacts,
      ...enFacts,
      ...jaFacts,
      ...poly.map((m) => withItems(fact('PRACTITIONER', 0, { formId: id('POLY') }), m, polyMax)),
      ...KNOWN.map((m) => withItems(fact('AUDITOR', 0, { formId: id('SMALL') }), m)),
      ...zeroFacts,
      ...smallEnFacts,
      ...smallDeFacts,
    ]);
  });
  afterAll(() => server.dispose());

  it('reproduces the textbook KR-20, SEM and corrected point-biserial', async () => {
    const analysis = await analyse(id('KNOWN'));
    const expected = await publishedOf(knownFacts);
    expect(analysis.exam).toBe('AUDITOR');
    expect(analysis.form).toMatchObject({
      sittings: expected.sittings,
      itemCount: 4,
      reliabilityMethod: 'KR20',
    });
    expectTo4(analysis.form!.reliability, 0.8);
    expectTo4(analysis.form!.standardErrorOfMeasurement, Math.sqrt(0.4));
    expect(analysis.form!.meanScore).toBeCloseTo(expected.meanScore, 10);
    expect(analysis.form!.stdDevScore).toBeCloseTo(expected.stdDevScore, 10);
    // the true p-values .8 .6 .4 .2, as published: perturbed marks over the perturbed count
    expect(analysis.items.map((i) => i.pValue)).toEqual(
      expected.items.map((i) => expect.closeTo(i.pValue, 12)),
    );
    analysis.items.forEach((item, i) =>
      expect(Math.abs(item.pValue - [0.8, 0.6, 0.4, 0.2][i])).toBeLessThanOrEqual(1),
    );
    expectTo4(analysis.items[0].discrimination, 0.24 / Math.sqrt(0.16 * 1.36));
    expectTo4(analysis.items[3].discrimination, 0.24 / Math.sqrt(0.16 * 1.36));
    // item 1: 8 chose the key A; of the 2 wrong sittings one chose B and one left it blank
    expect(analysis.items[0].options).toEqual(expected.items[0].options);
    // nobody chose C, D or another answer: a zero stays zero
    expect(analysis.items[0].options.slice(2, 5).map((o) => o.share)).toEqual([0, 0, 0]);
    expect(analysis.items[3].flags).toEqual([]);
  });

  it('matches independent computations per language and together, and finds the miskeyed item', async () => {
    const analysis = await analyse(id('P-EN'), { translations: [id('P-JA')] });
    const check = async (
      items: Item[],
      form: Form | null,
      matrix: number[][],
      facts: ReleasedResultFact[],
    ) => {
      const ref = reference(matrix, [1, 1, 1, 1, 1, 1]);
      const expected = await publishedOf(facts);
      expect(form!.sittings).toBe(expected.sittings);
      expectTo4(form!.reliability, ref.reliability);
      expectTo4(form!.standardErrorOfMeasurement, ref.sem);
      expect(form!.meanScore).toBeCloseTo(expected.meanScore, 10);
      expect(Math.abs(form!.meanScore - ref.mean)).toBeLessThanOrEqual(
        (MAX_PERTURBATION + MAX_PERTURBATION * ref.mean) / (matrix.length - MAX_PERTURBATION),
      );
      items.forEach((item, i) => {
        expect(item.pValue).toBeCloseTo(expected.items[i].pValue, 12);
        expect(item.options).toEqual(expected.items[i].options);
        if (ref.items[i].discrimination === null) expect(item.discrimination).toBeNull();
        else expectTo4(item.discrimination, ref.items[i].discrimination!);
      });
    };
    await check(analysis.items, analysis.form, [...en, ...ja], [...enFacts, ...jaFacts]);
    expect(analysis.languages.map((l) => [l.language, l.suppressed])).toEqual([
      ['en', false],
      ['ja', false],
    ]);
    await check(analysis.languages[0].items, analysis.languages[0].form, en, enFacts);
    await check(analysis.languages[1].items, analysis.languages[1].form, ja, jaFacts);
    expect(analysis.items[2].flags).toContain('NEGATIVE_DISCRIMINATION');
  });

  it('filters by country (from the rollups) and by ATO or session kind (from the facts), with the same definitions', async () => {
    const gb = await analyse(id('P-EN'), { filter: { countries: ['GB'] } });
    const ref = reference(
      en.filter((_, i) => i % 2 === 1),
      [1, 1, 1, 1, 1, 1],
    );
    const expected = await publishedOf(enFacts.filter((_, i) => i % 2 === 1));
    expect(gb.form!.sittings).toBe(expected.sittings);
    expectTo4(gb.form!.reliability, ref.reliability);
    gb.items.forEach((item, i) => {
      expect(item.pValue).toBeCloseTo(expected.items[i].pValue, 12);
      if (ref.items[i].discrimination !== null) expectTo4(item.discrimination, ref.items[i].discrimination!);
    });
    // the rollup path (period, countries) and the fact path (ATO, session kind) agree on the same sittings
    const viaRollup = await analyse(id('P-EN'), { filter: { fromMonth: '2025-01', toMonth: '2025-02' } });
    const viaCountries = await analyse(id('P-EN'), { filter: { countries: ['GB', 'IE'] } });
    const viaAto = await analyse(id('P-EN'), { filter: { atoIds: [id('ato-1')] } });
    const viaSessionKind = await analyse(id('P-EN'), {
      filter: { sessionKinds: ['ATO_COURSE'], countries: ['GB', 'IE'] },
    });
    for (const other of [viaCountries, viaAto, viaSessionKind]) {
      // the same sittings, so the same cell key and the same noise, whichever path read them
      expect(other.form).toEqual(viaRollup.form);
      expect(other.items).toEqual(viaRollup.items);
    }
    // an ATO without sittings of this form: nothing to show
    const otherAto = await analyse(id('P-EN'), { filter: { atoIds: [id('ato-2')] } });
    expect(otherAto).toMatchObject({ suppressed: true, form: null, items: [] });
    // the country filter from the rollups matches the facts on one country (GB through the fact path too)
    const gbFacts = await analyse(id('P-EN'), {
      filter: { countries: ['GB'], sessionKinds: ['ATO_COURSE'] },
    });
    expect(gbFacts.form).toEqual(gb.form);
    gbFacts.items.forEach((item, i) => expect(item.pValue).toBeCloseTo(gb.items[i].pValue, 12));
  });

  it('applies an exam filter to the form (its own exam: everything; another exam: nothing)', async () => {
    const all = await analyse(id('KNOWN'));
    expect(await analyse(id('KNOWN'), { filter: { exams: ['AUDITOR'] } })).toEqual(all);
    expect(await analyse(id('KNOWN'), { filter: { exams: ['AUDITOR'], countries: ['GB'] } })).toEqual(all);
    expect(await analyse(id('KNOWN'), { filter: { exams: ['FOUNDATION'] } })).toMatchObject({
      suppressed: true,
      form: null,
      items: [],
      languages: [],
    });
    expect(
      await analyse(id('KNOWN'), { filter: { exams: ['FOUNDATION'], countries: ['GB'] } }),
    ).toMatchObject({
      suppressed: true,
      form: null,
      items: [],
    });
  });

  it("uses Cronbach's alpha for polytomous items", async () => {
    const analysis = await analyse(id('POLY'));
    const ref = reference(poly, polyMax);
    expect(analysis.form!.reliabilityMethod).toBe('CRONBACH_ALPHA');
    expectTo4(analysis.form!.reliability, ref.reliability);
    analysis.items.forEach((item, i) => {
      expect(item.maxMarks).toBe(polyMax[i]);
      // marks and the count each move by at most MAX_PERTURBATION
      expect(Math.abs(item.pValue - ref.items[i].pValue)).toBeLessThanOrEqual(
        (MAX_PERTURBATION + MAX_PERTURBATION * polyMax[i]) / ((poly.length - MAX_PERTURBATION) * polyMax[i]),
      );
    });
  });

  it('suppresses a form below k, and a small language but not the others (they carry noise instead)', async () => {
    const small = await analyse(id('SMALL'));
    expect(small).toMatchObject({ suppressed: true, form: null, items: [] });
    expect(small.csv).not.toMatch(/0\.8/);

    const mixed = await analyse(id('SMALL-EN'), { translations: [id('SMALL-DE')] });
    expect(mixed.suppressed).toBe(false);
    const values = await PublishedValues.read(server.database.dataSource);
    expect(mixed.form!.sittings).toBe(values.cellOf([...smallEnFacts, ...smallDeFacts]).sittings);
    // German has 4 sittings: hidden; English (10) is shown, and total minus English is 4 plus unknown noise
    expect(mixed.languages[0]).toEqual({
      language: 'de',
      suppressed: true,
      suppressionReason: 'SMALL_GROUP',
      form: null,
      items: [],
    });
    expect(mixed.languages[1]).toMatchObject({ language: 'en', suppressed: false, suppressionReason: null });
    expect(mixed.languages[1].form!.sittings).toBe((await publishedOf(smallEnFacts)).sittings);
  });

  it('exports CSV with the form row and one row per item', async () => {
    const analysis = await analyse(id('KNOWN'));
    const lines = analysis.csv.trim().split('\r\n');
    expect(lines[0]).toMatch(
      /^language,item_number,suppressed,sittings_or_responses,max_marks,p_value,discrimination,share_a/,
    );
    const expected = await publishedOf(knownFacts);
    expect(lines[1]).toMatch(new RegExp(`^ALL,FORM,false,${expected.sittings},`));
    expect(lines[2]).toMatch(
      new RegExp(
        `^ALL,1,false,${expected.sittings},1,${expected.items[0].pValue},${analysis.items[0].discrimination}`,
      ),
    );
    expect(analysis.items[0].discrimination).toBe(0.5145);
    expect(lines).toHaveLength(1 + 2 * 5); // header, then (form + 4 items) for ALL and for en
  });

  it('keeps the item rollups (with and without country) equal to a rebuild from the facts', async () => {
    const ds = server.database.dataSource;
    const tables = [
      'statistics_form_rollup',
      'statistics_item_rollup',
      'statistics_form_country_rollup',
      'statistics_item_country_rollup',
      'statistics_item_score_rollup',
    ];
    const snapshot = async () => {
      const out: Record<string, unknown[]> = {};
      for (const t of tables) out[t] = await ds.query(`SELECT * FROM ${t} ORDER BY ${t}::text`);
      return out;
    };
    const incremental = await snapshot();
    expect(incremental.statistics_item_country_rollup.length).toBeGreaterThan(
      incremental.statistics_item_rollup.length,
    );
    await ds.transaction((m) => rebuildRollups(m));
    expect(await snapshot()).toEqual(incremental);
    // a sitting in a new country, recorded and removed again: its cells disappear without a trace
    const extra = withItems(
      fact('AUDITOR', 0, { formId: id('P-EN'), country: 'FR', satOn: '2025-01-11' }),
      en[0],
    );
    await ds.transaction((m) => recordReleasedResult(m, extra));
    expect((await analyse(id('P-EN'), { filter: { countries: ['FR', 'GB', 'IE'] } })).form!.sittings).toBe(
      (await publishedOf([...enFacts, extra])).sittings,
    );
    await ds.transaction((m) => removeReleasedResult(m, extra.sittingId));
    expect(await snapshot()).toEqual(incremental);
  });

  it('decides flags without float noise: a question whose discrimination is exactly zero is not negative', async () => {
    // from the rollups (no filter) and from the facts (ATO filter): the same exact answer
    for (const filter of [undefined, { atoIds: [id('ato-1')] }]) {
      const analysis = await analyse(id('ZERO'), { filter });
      expect(analysis.items[0].discrimination).toBe(0);
      expect(analysis.items[0].flags).toEqual(['WEAK_DISCRIMINATION']);
      expect(analysis.items[0].pValue).toBe((await publishedOf(zeroFacts)).items[0].pValue);
    }
  });

  it('rejects translations of another exam', async () => {
    const result = await server.run(ANALYST, ITEM_ANALYSIS, {
      formId: id('KNOWN'),
      translations: [id('POLY')],
    });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
