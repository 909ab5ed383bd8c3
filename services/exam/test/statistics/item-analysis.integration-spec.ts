import {
  rebuildRollups,
  recordReleasedResult,
  removeReleasedResult,
  type ReleasedResultFact,
} from '../../src/statistics';
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

describe('item analysis against hand-made responses', () => {
  let server: StatisticsTestServer;
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
  // Polytomous items (marks 0..max), as Practitioner sub-items: Cronbach's alpha.
  const polyMax = [1, 2, 3, 4];
  const poly = Array.from({ length: 14 }, () => {
    const theta = random();
    return polyMax.map((max) => Math.min(max, Math.floor(theta * (max + 1) + random() * 1.5)));
  });

  beforeAll(async () => {
    server = await startStatisticsTestServer();
    await record([
      ...[...KNOWN, ...KNOWN].map((m, i) =>
        withItems(fact('AUDITOR', 0, { formId: id('KNOWN') }), m, undefined, i % 2 === 1),
      ),
      ...enFacts,
      ...jaFacts,
      ...poly.map((m) => withItems(fact('PRACTITIONER', 0, { formId: id('POLY') }), m, polyMax)),
      ...KNOWN.map((m) => withItems(fact('AUDITOR', 0, { formId: id('SMALL') }), m)),
      ...ZERO_DISCRIMINATION.map((m) => withItems(fact('AUDITOR', 0, { formId: id('ZERO') }), m)),
      ...[...KNOWN, ...KNOWN].map((m) => withItems(fact('AUDITOR', 0, { formId: id('SMALL-EN') }), m)),
      ...KNOWN.slice(0, 4).map((m) =>
        withItems(fact('AUDITOR', 0, { formId: id('SMALL-DE'), language: 'de' }), m),
      ),
    ]);
  });
  afterAll(() => server.dispose());

  it('reproduces the textbook KR-20, SEM and corrected point-biserial', async () => {
    const analysis = await analyse(id('KNOWN'));
    expect(analysis.exam).toBe('AUDITOR');
    expect(analysis.form).toMatchObject({ sittings: 10, itemCount: 4, reliabilityMethod: 'KR20' });
    expect(analysis.form!.reliability).toBeCloseTo(0.8, 10);
    expect(analysis.form!.standardErrorOfMeasurement).toBeCloseTo(Math.sqrt(0.4), 10);
    expect(analysis.form!.meanScore).toBeCloseTo(2, 10);
    expect(analysis.form!.stdDevScore).toBeCloseTo(Math.sqrt(2), 10);
    expect(analysis.items.map((i) => i.pValue)).toEqual(
      [0.8, 0.6, 0.4, 0.2].map((p) => expect.closeTo(p, 10)),
    );
    expect(analysis.items[0].discrimination).toBeCloseTo(0.5145, 4);
    expect(analysis.items[3].discrimination).toBeCloseTo(0.5145, 4);
    // item 1: 8 chose the key A; of the 2 wrong sittings one chose B and one left it blank
    expect(analysis.items[0].options).toEqual([
      { option: 'A', share: 0.8 },
      { option: 'B', share: 0.1 },
      { option: 'C', share: 0 },
      { option: 'D', share: 0 },
      { option: 'OTHER', share: 0 },
      { option: 'OMITTED', share: 0.1 },
    ]);
    expect(analysis.items[3].flags).toEqual([]);
  });

  it('matches independent computations per language and together, and finds the miskeyed item', async () => {
    const analysis = await analyse(id('P-EN'), { translations: [id('P-JA')] });
    const check = (items: Item[], form: Form | null, matrix: number[][]) => {
      const ref = reference(matrix, [1, 1, 1, 1, 1, 1]);
      expect(form!.reliability).toBeCloseTo(ref.reliability, 8);
      expect(form!.standardErrorOfMeasurement).toBeCloseTo(ref.sem, 8);
      expect(form!.meanScore).toBeCloseTo(ref.mean, 8);
      items.forEach((item, i) => {
        expect(item.pValue).toBeCloseTo(ref.items[i].pValue, 10);
        if (ref.items[i].discrimination === null) expect(item.discrimination).toBeNull();
        else expect(item.discrimination).toBeCloseTo(ref.items[i].discrimination!, 8);
      });
    };
    check(analysis.items, analysis.form, [...en, ...ja]);
    expect(analysis.languages.map((l) => [l.language, l.suppressed])).toEqual([
      ['en', false],
      ['ja', false],
    ]);
    check(analysis.languages[0].items, analysis.languages[0].form, en);
    check(analysis.languages[1].items, analysis.languages[1].form, ja);
    expect(analysis.items[2].flags).toContain('NEGATIVE_DISCRIMINATION');
  });

  it('filters by country (from the rollups) and by ATO or session kind (from the facts), with the same definitions', async () => {
    const gb = await analyse(id('P-EN'), { filter: { countries: ['GB'] } });
    const ref = reference(
      en.filter((_, i) => i % 2 === 1),
      [1, 1, 1, 1, 1, 1],
    );
    expect(gb.form!.sittings).toBe(12);
    expect(gb.form!.reliability).toBeCloseTo(ref.reliability, 8);
    gb.items.forEach((item, i) => {
      expect(item.pValue).toBeCloseTo(ref.items[i].pValue, 10);
      if (ref.items[i].discrimination !== null)
        expect(item.discrimination).toBeCloseTo(ref.items[i].discrimination!, 8);
    });
    // the rollup path (period, countries) and the fact path (ATO, session kind) agree on the same sittings
    const viaRollup = await analyse(id('P-EN'), { filter: { fromMonth: '2025-01', toMonth: '2025-02' } });
    const viaCountries = await analyse(id('P-EN'), { filter: { countries: ['GB', 'IE'] } });
    const viaAto = await analyse(id('P-EN'), { filter: { atoIds: [id('ato-1')] } });
    const viaSessionKind = await analyse(id('P-EN'), {
      filter: { sessionKinds: ['ATO_COURSE'], countries: ['GB', 'IE'] },
    });
    for (const other of [viaCountries, viaAto, viaSessionKind]) {
      expect(other.form!.sittings).toBe(24);
      expect(other.form!.reliability).toBeCloseTo(viaRollup.form!.reliability!, 10);
      other.items.forEach((item, i) => {
        expect(item.discrimination).toBeCloseTo(viaRollup.items[i].discrimination!, 10);
        expect(item.options).toEqual(
          viaRollup.items[i].options.map((o) => ({ option: o.option, share: expect.closeTo(o.share, 12) })),
        );
      });
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
    expect(analysis.form!.reliability).toBeCloseTo(ref.reliability, 8);
    analysis.items.forEach((item, i) => {
      expect(item.maxMarks).toBe(polyMax[i]);
      expect(item.pValue).toBeCloseTo(ref.items[i].pValue, 10);
    });
  });

  it('suppresses a form below k, and a small language together with its complement', async () => {
    const small = await analyse(id('SMALL'));
    expect(small).toMatchObject({ suppressed: true, form: null, items: [] });
    expect(small.csv).not.toMatch(/0\.8/);

    const mixed = await analyse(id('SMALL-EN'), { translations: [id('SMALL-DE')] });
    expect(mixed.suppressed).toBe(false);
    expect(mixed.form!.sittings).toBe(14);
    // German has 4 sittings; English (10) would reveal it as total minus English, so both are hidden
    expect(mixed.languages).toEqual([
      { language: 'de', suppressed: true, suppressionReason: 'SMALL_GROUP', form: null, items: [] },
      { language: 'en', suppressed: true, suppressionReason: 'COMPLEMENTARY', form: null, items: [] },
    ]);
  });

  it('exports CSV with the form row and one row per item', async () => {
    const analysis = await analyse(id('KNOWN'));
    const lines = analysis.csv.trim().split('\r\n');
    expect(lines[0]).toMatch(
      /^language,item_number,suppressed,sittings_or_responses,max_marks,p_value,discrimination,share_a/,
    );
    expect(lines[1]).toMatch(/^ALL,FORM,false,10,/);
    expect(lines[2]).toMatch(/^ALL,1,false,10,1,0.8,0.514/);
    expect(lines).toHaveLength(1 + 2 * 5); // header, then (form + 4 items) for ALL and for en
  });

  it('keeps the item rollups (with and without country) equal to a rebuild from the facts', async () => {
    const ds = server.database.dataSource;
    const tables = [
      'statistics_form_rollup',
      'statistics_item_rollup',
      'statistics_form_country_rollup',
      'statistics_item_country_rollup',
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
      25,
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
      expect(analysis.items[0].pValue).toBe(0.5);
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
