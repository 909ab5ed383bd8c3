import { errorCodes } from '@iso20000/testing';
import { rebuildRollups, recordReleasedResult, type ReleasedResultFact } from '../../src/statistics';
import { RECORD_KEY_MODULUS } from '../../src/statistics/domain/perturbation';
import { PublishedValues } from './published-values';
import { fact, id, seeded, withItems } from './statistics-fixtures';
import { ANALYST, startStatisticsTestServer, type StatisticsTestServer } from './statistics-test-server';

const DIF_ITEM = `itemNumber mhAlpha mhDelta mhDeltaStandardError mhChiSquare significance etsClass favours`;
const REVIEW_ITEM = `itemNumber pValue options { option share }`;
const ITEM_DIF = `query Dif($formId: ID!, $by: ExamDifGrouping, $translations: [ID!], $reference: String) {
  itemDif(formId: $formId, by: $by, translationFormIds: $translations, referenceGroup: $reference) {
    formId by referenceGroup minGroupSize
    comparisons { focalGroup focalFormId referenceSittings focalSittings suppressed items { ${DIF_ITEM} }
      review { itemNumber mhDelta favours reference { ${REVIEW_ITEM} } focal { ${REVIEW_ITEM} } } }
  } }`;

interface DifItem {
  itemNumber: number;
  mhAlpha: number | null;
  mhDelta: number | null;
  etsClass: string | null;
  favours: string | null;
}
interface Comparison {
  focalGroup: string;
  focalFormId: string | null;
  referenceSittings: number | null;
  focalSittings: number | null;
  suppressed: boolean;
  items: DifItem[];
  review: Array<{
    itemNumber: number;
    mhDelta: number;
    favours: string;
    reference: { pValue: number; options: unknown[] };
    focal: { pValue: number; options: unknown[] };
  }>;
}
interface Dif {
  formId: string;
  by: string;
  referenceGroup: string;
  minGroupSize: number;
  comparisons: Comparison[];
}

/**
 * MH alpha computed here from the facts: strata by total score, each stratum's 2x2 table counted
 * from the responses, then sum(A D / T) / sum(B C / T).
 */
function expectedAlpha(reference: ReleasedResultFact[], focal: ReleasedResultFact[], item: number): number {
  const byScore = (facts: ReleasedResultFact[]) => {
    const strata = new Map<number, ReleasedResultFact[]>();
    for (const f of facts) strata.set(Math.round(f.score), [...(strata.get(Math.round(f.score)) ?? []), f]);
    return strata;
  };
  const table = (facts: ReleasedResultFact[]) => {
    const right = facts.filter((f) => f.itemResponses[item - 1].marks === 1).length;
    return [right, facts.length - right];
  };
  const focalStrata = byScore(focal);
  let r = 0;
  let s = 0;
  for (const [score, refFacts] of byScore(reference)) {
    const focFacts = focalStrata.get(score);
    if (!focFacts) continue;
    const [a, b] = table(refFacts);
    const [c, d] = table(focFacts);
    const t = a + b + c + d;
    if (a + b === 0 || c + d === 0) continue;
    r += (a * d) / t;
    s += (b * c) / t;
  }
  return r / s;
}

describe('differential item functioning (Mantel-Haenszel)', () => {
  let server: StatisticsTestServer;
  const random = seeded(31);
  // 20 questions: with a short test one strongly biased question skews the matching score enough to
  // push others into DIF the other way (the matching variable includes the studied question)
  const difficulties = Array.from({ length: 20 }, (_, i) => -1 + (i * 2) / 19);
  const paper = (theta: number, shift: number[] = []) =>
    difficulties.map((b, i) => (random() < 1 / (1 + Math.exp(-1.7 * (theta - b - (shift[i] ?? 0)))) ? 1 : 0));
  const ability = () => random() * 3 - 1.5;
  // English: 400 sittings (half in GB through ATOs, half in the US at public sessions); Japanese: 300,
  // whose question 2 is much harder at the same ability (a translation problem); German: 6 (too few).
  const en = Array.from({ length: 400 }, (_, i) =>
    withItems(
      fact('AUDITOR', 0, {
        formId: id('D-EN'),
        ...(i % 2 ? { country: 'US', sessionKind: 'PUBLIC', atoId: null } : { country: 'GB' }),
      }),
      paper(ability()),
    ),
  );
  const ja = Array.from({ length: 300 }, () =>
    withItems(
      fact('AUDITOR', 0, { formId: id('D-JA'), language: 'ja', country: 'JP' }),
      paper(ability(), [0, 1.5]),
    ),
  );
  const de = Array.from({ length: 6 }, () =>
    withItems(fact('AUDITOR', 0, { formId: id('D-DE'), language: 'de', country: 'DE' }), paper(ability())),
  );
  const dif = async (variables: Record<string, unknown>) => {
    const result = await server.run<{ itemDif: Dif }>(ANALYST, ITEM_DIF, variables);
    expect(result.errors).toBeUndefined();
    return result.data!.itemDif;
  };
  const items = async (formId: string, filter?: Record<string, unknown>) => {
    const result = await server.run<{
      itemAnalysis: { items: Array<{ itemNumber: number; pValue: number; options: unknown[] }> };
    }>(
      ANALYST,
      `query($formId: ID!, $filter: ExamStatisticsFilter) { itemAnalysis(formId: $formId, filter: $filter) { items { ${REVIEW_ITEM} } } }`,
      { formId, filter },
    );
    return result.data!.itemAnalysis.items;
  };

  beforeAll(async () => {
    server = await startStatisticsTestServer();
    const ds = server.database.dataSource;
    const facts = [...en, ...ja, ...de];
    await ds.transaction(async (m) => {
      for (const f of facts) await recordReleasedResult(m, f);
    });
    // seeded record keys (and rollups rebuilt from them), so every run sees the same noise
    const keys = seeded(41);
    await ds.query(
      `UPDATE statistics_result_fact f SET record_key = k.key FROM unnest($1::text[], $2::int[]) AS k(id, key) WHERE f.sitting_id = k.id`,
      [facts.map((f) => f.sittingId), facts.map(() => Math.floor(keys() * RECORD_KEY_MODULUS))],
    );
    await ds.transaction((m) => rebuildRollups(m));
  });
  afterAll(() => server.dispose());

  it('compares English with each translation, MH alpha as computed here from the facts', async () => {
    const result = await dif({ formId: id('D-EN'), translations: [id('D-JA'), id('D-DE')] });
    expect(result).toMatchObject({
      formId: id('D-EN'),
      by: 'LANGUAGE',
      referenceGroup: 'en',
      minGroupSize: 10,
    });
    expect(result.comparisons.map((c) => [c.focalGroup, c.focalFormId, c.suppressed])).toEqual([
      ['de', id('D-DE'), true],
      ['ja', id('D-JA'), false],
    ]);
    const values = await PublishedValues.read(server.database.dataSource);
    const ja_ = result.comparisons[1];
    expect(ja_.referenceSittings).toBe(values.cellOf(en).sittings);
    expect(ja_.focalSittings).toBe(values.cellOf(ja).sittings);
    expect(ja_.items.map((i) => i.itemNumber)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const item of ja_.items) {
      const alpha = expectedAlpha(en, ja, item.itemNumber);
      expect(Math.abs(item.mhAlpha! - alpha)).toBeLessThanOrEqual(0.00005 + 1e-9);
      expect(Math.abs(item.mhDelta! - -2.35 * Math.log(alpha))).toBeLessThanOrEqual(0.00005 + 1e-9);
    }
    // the harder question in Japanese: large DIF against the focal group, listed for review
    const q2 = ja_.items[1];
    expect(q2).toMatchObject({ etsClass: 'C', favours: 'REFERENCE' });
    expect(q2.mhDelta!).toBeLessThan(-1.5);
    expect(ja_.items.filter((i) => i.etsClass === 'C').map((i) => i.itemNumber)).toEqual([2]);
    // with both languages' p-values and option shares, as the item analysis of each form publishes them
    const [enItems, jaItems] = [await items(id('D-EN')), await items(id('D-JA'))];
    expect(ja_.review).toEqual([
      { itemNumber: 2, mhDelta: q2.mhDelta, favours: 'REFERENCE', reference: enItems[1], focal: jaItems[1] },
    ]);
    expect(ja_.review[0].focal.pValue).toBeLessThan(ja_.review[0].reference.pValue);
    // the small German group shows nothing
    expect(result.comparisons[0]).toMatchObject({ focalSittings: null, items: [], review: [] });
  });

  it('compares countries and session kinds within one form', async () => {
    const gb = en.filter((f) => f.country === 'GB');
    const us = en.filter((f) => f.country === 'US');
    const byCountry = await dif({ formId: id('D-EN'), by: 'COUNTRY', reference: 'GB' });
    expect(byCountry.comparisons.map((c) => c.focalGroup)).toEqual(['US']);
    for (const item of byCountry.comparisons[0].items) {
      expect(Math.abs(item.mhAlpha! - expectedAlpha(gb, us, item.itemNumber))).toBeLessThanOrEqual(
        0.00005 + 1e-9,
      );
    }
    const bySession = await dif({ formId: id('D-EN'), by: 'SESSION_KIND' });
    expect(bySession.referenceGroup).toBe('ATO_COURSE');
    expect(bySession.comparisons.map((c) => c.focalGroup)).toEqual(['PUBLIC']);
    // the same sittings as GB against US: the same strata, so the same numbers
    expect(bySession.comparisons[0].items).toEqual(byCountry.comparisons[0].items);
    // no translation problem between two English-speaking groups
    expect(bySession.comparisons[0].items.some((i) => i.etsClass === 'C')).toBe(false);
  });

  it('refuses what it cannot answer with BAD_USER_INPUT', async () => {
    for (const variables of [
      { formId: id('D-EN') }, // LANGUAGE needs translations
      { formId: id('D-EN'), by: 'COUNTRY' }, // COUNTRY needs a reference country
      { formId: id('D-EN'), by: 'COUNTRY', reference: 'XX' },
      { formId: id('D-EN'), by: 'SESSION_KIND', translations: [id('D-JA')] },
      { formId: id('D-EN'), by: 'SESSION_KIND', reference: 'HOME' },
      { formId: 'not-an-id', translations: [id('D-JA')] },
    ]) {
      const result = await server.run(ANALYST, ITEM_DIF, variables);
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    }
  });
});
