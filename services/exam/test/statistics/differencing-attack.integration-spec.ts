import { rebuildRollups, recordReleasedResult, type ReleasedResultFact } from '../../src/statistics';
import { MAX_PERTURBATION, RECORD_KEY_MODULUS } from '../../src/statistics/domain/perturbation';
import { fact, id, seeded } from './statistics-fixtures';
import { ANALYST, startStatisticsTestServer, type StatisticsTestServer } from './statistics-test-server';

/**
 * An analyst who wants the hidden groups' exact sittings and passes. They ask many overlapping
 * questions an analyst may ask (filters that differ by one small group, grouped and ungrouped,
 * over time, GraphQL and CSV, item analysis with and without a translation), and solve for each
 * hidden cell: every pair of answers that differ by exactly the hidden sittings bounds it, since
 * each published count is within MAX_PERTURBATION of its truth (the bound is public). A cell is
 * recovered when only one value is consistent with every answer under that bound, or when the
 * answers are consistent with no noise at all (every pair gives the same difference: then the
 * attacker takes that difference, and would be right if the numbers were exact).
 *
 * The same solver on the answers plain suppression would give (the true counts of the published
 * cells) recovers every hidden cell exactly: the attack is real, and only the noise stops it.
 */

const k = 10;
type Filter = {
  atoIds?: string[];
  languages?: string[];
  fromMonth?: string;
  toMonth?: string;
  sessionKinds?: string[];
};
interface Answer {
  sittings: number | null;
  passed: number | null;
}
/** Two answers whose sittings differ by exactly one hidden cell. */
interface Pair {
  withHidden: Answer;
  without: Answer;
  truthWith: Answer;
  truthWithout: Answer;
}

/** The values of a hidden cell consistent with every pair, given a noise bound per published count. */
function consistentValues(
  pairs: Pair[],
  field: keyof Answer,
  range: [number, number],
  bound: number,
  truths = false,
): number[] {
  const values: number[] = [];
  for (let v = range[0]; v <= range[1]; v++) {
    const fits = pairs.every((p) => {
      const a = truths ? p.truthWith : p.withHidden;
      const b = truths ? p.truthWithout : p.without;
      if (a[field] === null || b[field] === null) return true;
      return Math.abs(a[field]! - b[field]! - v) <= 2 * bound;
    });
    if (fits) values.push(v);
  }
  return values;
}

/** What the attacker learns of a hidden cell: its exact value, or null when several values remain. */
function recovered(pairs: Pair[], field: keyof Answer, range: [number, number]): number | null {
  const exact = consistentValues(pairs, field, range, 0);
  if (exact.length === 1) return exact[0];
  const bounded = consistentValues(pairs, field, range, MAX_PERTURBATION);
  return bounded.length === 1 ? bounded[0] : null;
}

describe('an analyst differencing answers to recover hidden groups', () => {
  let server: StatisticsTestServer;
  const random = seeded(2026);
  const scoreOf = () => 10 + Math.floor(random() * 31);
  const january = '2025-01-14';

  // 20 ATOs of 10..29 sittings in January; ATO h has 4 sittings (hidden); ATO x has 15 in January
  // and 3 in February (x in February hidden); 12 public sittings; 5 German sittings at ATO b1 (hidden language).
  const others = Array.from({ length: 20 }, (_, i) => id(`b${i + 1}`));
  const facts: ReleasedResultFact[] = [
    ...others.flatMap((ato, i) =>
      Array.from({ length: 10 + i }, () => fact('FOUNDATION', scoreOf(), { atoId: ato, satOn: january })),
    ),
    ...[30, 31, 12, 14].map((s) => fact('FOUNDATION', s, { atoId: id('h'), satOn: january })),
    ...Array.from({ length: 15 }, () => fact('FOUNDATION', scoreOf(), { atoId: id('x'), satOn: january })),
    ...[35, 20, 11].map((s) => fact('FOUNDATION', s, { atoId: id('x'), satOn: '2025-02-05' })),
    ...Array.from({ length: 12 }, () =>
      fact('FOUNDATION', scoreOf(), { atoId: null, sessionKind: 'PUBLIC', satOn: january }),
    ),
    ...[33, 18, 27, 29, 12].map((s) =>
      fact('FOUNDATION', s, { atoId: others[0], satOn: january, language: 'de', formId: id('F-DE') }),
    ),
  ];

  /** What the filter selects, counted in the test from the facts. */
  const truth = (filter: Filter): Answer => {
    const selected = facts.filter(
      (f) =>
        (!filter.atoIds || (f.atoId !== null && filter.atoIds.includes(f.atoId))) &&
        (!filter.languages || filter.languages.includes(f.language)) &&
        (!filter.sessionKinds || filter.sessionKinds.includes(f.sessionKind)) &&
        (!filter.fromMonth || f.satOn.slice(0, 7) >= filter.fromMonth) &&
        (!filter.toMonth || f.satOn.slice(0, 7) <= filter.toMonth),
    );
    return { sittings: selected.length, passed: selected.filter((f) => f.passed).length };
  };

  const graphql = async (filter: Filter): Promise<Answer> => {
    const result = await server.run<{ examStatistics: { total: Answer } }>(
      ANALYST,
      `query($filter: ExamStatisticsFilter) { examStatistics(filter: $filter) { total { sittings passed } } }`,
      { filter },
    );
    expect(result.errors).toBeUndefined();
    return result.data!.examStatistics.total;
  };
  const csv = async (filter: Filter, groupBy: string[] = ['ATO']): Promise<string[][]> => {
    const result = await server.run<{ examStatistics: { csv: string } }>(
      ANALYST,
      `query($filter: ExamStatisticsFilter, $groupBy: [ExamStatisticsDimension!]) { examStatistics(filter: $filter, groupBy: $groupBy) { csv } }`,
      { filter, groupBy },
    );
    expect(result.errors).toBeUndefined();
    return result
      .data!.examStatistics.csv.trim()
      .split('\r\n')
      .map((line) => line.split(','));
  };
  /** The total row of a CSV export: its sittings and passes columns. */
  const csvTotal = async (filter: Filter): Promise<Answer> => {
    const [header, total] = await csv(filter);
    const at = (name: string) => {
      const cell = total[header.indexOf(name)];
      return cell === '' ? null : Number(cell);
    };
    return { sittings: at('sittings'), passed: at('passed') };
  };
  const itemAnalysisSittings = async (filter: Filter, translations: string[]): Promise<Answer> => {
    const result = await server.run<{ itemAnalysis: { form: { sittings: number } | null } }>(
      ANALYST,
      `query($filter: ExamStatisticsFilter, $translations: [ID!]) {
        itemAnalysis(formId: "${id('FOUNDATION-en-A')}", filter: $filter, translationFormIds: $translations) { form { sittings } } }`,
      { filter, translations },
    );
    expect(result.errors).toBeUndefined();
    return { sittings: result.data!.itemAnalysis.form?.sittings ?? null, passed: null };
  };

  beforeAll(async () => {
    server = await startStatisticsTestServer();
    const ds = server.database.dataSource;
    await ds.transaction(async (m) => {
      for (const f of facts) await recordReleasedResult(m, f);
    });
    // Record keys from a seeded generator instead of the cryptographic one, so every run asks the
    // same questions of the same noise; the rollups' key sums are rebuilt from them.
    const keys = seeded(77);
    await ds.query(
      `UPDATE statistics_result_fact f SET record_key = k.key FROM unnest($1::text[], $2::int[]) AS k(id, key) WHERE f.sitting_id = k.id`,
      [facts.map((f) => f.sittingId), facts.map(() => Math.floor(keys() * RECORD_KEY_MODULUS))],
    );
    await ds.transaction((m) => rebuildRollups(m));
  });
  afterAll(() => server.dispose());

  /** Pairs for ATO h: each other ATO with and without h, alternately through GraphQL and the CSV export. */
  async function pairsForAtoH(): Promise<Pair[]> {
    const pairs: Pair[] = [];
    for (const [i, ato] of others.entries()) {
      const ask = i % 2 ? csvTotal : graphql;
      const withHidden = { atoIds: [id('h'), ato] };
      const without = { atoIds: [ato] };
      pairs.push({
        withHidden: await ask(withHidden),
        without: await ask(without),
        truthWith: truth(withHidden),
        truthWithout: truth(without),
      });
    }
    // everything, and everything but h (the other ATOs and public sessions listed)
    const allAtos = [...others, id('x')];
    pairs.push({
      withHidden: await graphql({ atoIds: [...allAtos, id('h')] }),
      without: await graphql({ atoIds: allAtos }),
      truthWith: truth({ atoIds: [...allAtos, id('h')] }),
      truthWithout: truth({ atoIds: allAtos }),
    });
    // the ungrouped total against the sum of the published ATO groups (a line of the grouped table)
    const byAto = await csv({});
    const header = byAto[0];
    const rows = byAto.slice(2).filter((r) => r[header.indexOf('suppressed')] === 'false');
    const published = (name: string) => rows.reduce((s, r) => s + Number(r[header.indexOf(name)]), 0);
    const all = await graphql({});
    // total minus the 22 published groups is h plus 23 unknown noises: consistent with h, and far
    // wider than a pair of answers
    expect(rows).toHaveLength(22);
    expect(Math.abs(all.sittings! - published('sittings') - 4)).toBeLessThanOrEqual(23 * MAX_PERTURBATION);
    return pairs;
  }

  it('recovers no hidden ATO: every pair leaves several values possible', async () => {
    const pairs = await pairsForAtoH();
    // GraphQL and CSV give the same numbers for the same sittings (one control for both)
    expect(await csvTotal({ atoIds: [id('h'), others[0]] })).toEqual(
      await graphql({ atoIds: [id('h'), others[0]] }),
    );
    // asking again gives the same answer: repeats do not average out
    expect(await graphql({ atoIds: [id('h'), others[3]] })).toEqual(
      await graphql({ atoIds: [id('h'), others[3]] }),
    );

    expect(recovered(pairs, 'sittings', [1, k - 1])).toBeNull();
    expect(recovered(pairs, 'passed', [0, k - 1])).toBeNull();
    // the truth stays among the values the answers allow (the bound holds)
    expect(consistentValues(pairs, 'sittings', [1, k - 1], MAX_PERTURBATION)).toContain(4);
    expect(consistentValues(pairs, 'passed', [0, k - 1], MAX_PERTURBATION)).toContain(2);
    // without noise (plain suppression), the same questions give h exactly
    expect(consistentValues(pairs, 'sittings', [1, k - 1], 0, true)).toEqual([4]);
    expect(consistentValues(pairs, 'passed', [0, k - 1], 0, true)).toEqual([2]);
  });

  it('recovers no hidden month: periods and groupings that differ by one small cell', async () => {
    const pairs: Pair[] = [];
    // ATO x over January-February and over January, alone and with each other ATO (only January sittings)
    for (const [i, ato] of [undefined, ...others].entries()) {
      const atoIds = ato ? [id('x'), ato] : [id('x')];
      const withHidden = { atoIds, fromMonth: '2025-01', toMonth: '2025-02' };
      const without = { atoIds, fromMonth: '2025-01', toMonth: '2025-01' };
      const ask = i % 2 ? csvTotal : graphql;
      pairs.push({
        withHidden: await ask(withHidden),
        without: await ask(without),
        truthWith: truth(withHidden),
        truthWithout: truth(without),
      });
    }
    // grouped by ATO (x over both months) against grouped by ATO and month (x in January)
    const byAto = await csv({ fromMonth: '2025-01', toMonth: '2025-02' }, ['ATO']);
    const byAtoMonth = await csv({ fromMonth: '2025-01', toMonth: '2025-02' }, ['ATO', 'MONTH']);
    const cell = (table: string[][], match: (row: string[]) => boolean, name: string) => {
      const row = table.slice(2).find(match)!;
      return Number(row[table[0].indexOf(name)]);
    };
    const xRow = (row: string[]) => row[0] === id('x');
    const xJanuary = (row: string[]) => row[0] === id('x') && row[1] === '2025-01';
    const xFebruary = byAtoMonth.slice(2).find((row) => row[0] === id('x') && row[1] === '2025-02')!;
    expect(xFebruary[byAtoMonth[0].indexOf('suppression_reason')]).toBe('SMALL_GROUP');
    pairs.push({
      withHidden: { sittings: cell(byAto, xRow, 'sittings'), passed: cell(byAto, xRow, 'passed') },
      without: {
        sittings: cell(byAtoMonth, xJanuary, 'sittings'),
        passed: cell(byAtoMonth, xJanuary, 'passed'),
      },
      truthWith: truth({ atoIds: [id('x')] }),
      truthWithout: truth({ atoIds: [id('x')], toMonth: '2025-01' }),
    });

    expect(recovered(pairs, 'sittings', [1, k - 1])).toBeNull();
    expect(recovered(pairs, 'passed', [0, k - 1])).toBeNull();
    expect(consistentValues(pairs, 'sittings', [1, k - 1], MAX_PERTURBATION)).toContain(3);
    expect(consistentValues(pairs, 'passed', [0, k - 1], MAX_PERTURBATION)).toContain(
      truth({ atoIds: [id('x')], fromMonth: '2025-02' }).passed,
    );
    expect(consistentValues(pairs, 'sittings', [1, k - 1], 0, true)).toEqual([3]);
  });

  it('recovers no hidden language from item analysis with and without its translation, nor from exam statistics', async () => {
    const pairs: Pair[] = [];
    for (const ato of others.slice(1)) {
      const filter = { atoIds: [others[0], ato] };
      pairs.push({
        withHidden: await itemAnalysisSittings(filter, [id('F-DE')]),
        without: await itemAnalysisSittings(filter, []),
        truthWith: truth(filter),
        truthWithout: truth({ ...filter, languages: ['en'] }),
      });
      const languages = { atoIds: [others[0], ato], languages: ['en', 'de'] };
      const english = { atoIds: [others[0], ato], languages: ['en'] };
      pairs.push({
        withHidden: await graphql(languages),
        without: await graphql(english),
        truthWith: truth(languages),
        truthWithout: truth(english),
      });
    }
    // the item analysis's per-language entry for German is suppressed
    const result = await server.run<{
      itemAnalysis: { languages: Array<{ language: string; suppressed: boolean; form: unknown }> };
    }>(
      ANALYST,
      `{ itemAnalysis(formId: "${id('FOUNDATION-en-A')}", translationFormIds: ["${id('F-DE')}"]) { languages { language suppressed form { sittings } } } }`,
    );
    expect(result.data!.itemAnalysis.languages.find((l) => l.language === 'de')).toEqual({
      language: 'de',
      suppressed: true,
      form: null,
    });
    expect(recovered(pairs, 'sittings', [1, k - 1])).toBeNull();
    expect(consistentValues(pairs, 'sittings', [1, k - 1], MAX_PERTURBATION)).toContain(5);
    expect(consistentValues(pairs, 'sittings', [1, k - 1], 0, true)).toEqual([5]);
  });
});
