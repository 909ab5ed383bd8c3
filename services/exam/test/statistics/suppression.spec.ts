import {
  suppressGroups,
  type DimensionHierarchy,
  type SuppressibleGroup,
} from '../../src/statistics/domain/suppression';
import { referenceSuppressGroups } from './suppression-reference';

const k = 10;
const groups = (...entries: Array<[Array<string | null>, number]>): SuppressibleGroup[] =>
  entries.map(([key, sittings]) => ({ key, sittings }));
const total = (gs: SuppressibleGroup[]) => gs.reduce((s, g) => s + g.sittings, 0);

describe('small-group suppression', () => {
  it('publishes every group when all have at least k sittings', () => {
    const gs = groups([['A'], 10], [['B'], 50]);
    expect(suppressGroups(gs, ['none'], k, total(gs))).toEqual([null, null]);
  });

  it('suppresses a small group and the smallest other group, so the total minus the rest reveals nothing', () => {
    // Without the second suppression, A = total - B - C - D.
    const gs = groups([['A'], 3], [['B'], 40], [['C'], 12], [['D'], 90]);
    expect(suppressGroups(gs, ['none'], k, total(gs))).toEqual(['SMALL_GROUP', null, 'COMPLEMENTARY', null]);
  });

  it('needs no complement when two small groups together hold k sittings', () => {
    const gs = groups([['A'], 4], [['B'], 6], [['C'], 100]);
    expect(suppressGroups(gs, ['none'], k, total(gs))).toEqual(['SMALL_GROUP', 'SMALL_GROUP', null]);
  });

  it('adds complements until the suppressed groups hold k sittings together', () => {
    const gs = groups([['A'], 2], [['B'], 3], [['C'], 100], [['D'], 200]);
    expect(suppressGroups(gs, ['none'], k, total(gs))).toEqual([
      'SMALL_GROUP',
      'SMALL_GROUP',
      'COMPLEMENTARY',
      null,
    ]);
  });

  it('suppresses everything when the total is below k', () => {
    const gs = groups([['A'], 5], [['B'], 4]);
    expect(suppressGroups(gs, ['none'], k, 9)).toEqual(['SMALL_GROUP', 'SMALL_GROUP']);
  });

  it('protects every row and column of a two-way table', () => {
    //            month 01  month 02
    // ATO x         3        40
    // ATO y        50        60
    // Row x alone would give x/01 = (x total) - 40; column 01 alone would give x/01 = (01 total) - 50.
    const gs = groups(
      [['x', '2025-01'], 3],
      [['x', '2025-02'], 40],
      [['y', '2025-01'], 50],
      [['y', '2025-02'], 60],
    );
    const reasons = suppressGroups(gs, ['none', 'month'], k, total(gs));
    expect(reasons[0]).toBe('SMALL_GROUP');
    // every line with a suppressed cell has at least two of them
    expect(reasons).toEqual(['SMALL_GROUP', 'COMPLEMENTARY', 'COMPLEMENTARY', 'COMPLEMENTARY']);
  });

  it('treats the months of a quarter as a line (quarter totals can be queried)', () => {
    // Q1 = 3 + 40 + 50 is queryable by grouping by QUARTER; April's large group is no complement for it.
    const gs = groups([['2025-01'], 3], [['2025-02'], 40], [['2025-03'], 50], [['2025-04'], 12]);
    const reasons = suppressGroups(gs, ['month'], k, total(gs));
    expect(reasons[0]).toBe('SMALL_GROUP');
    expect(reasons[1]).toBe('COMPLEMENTARY'); // smallest other month of Q1
  });

  it('leaves a line of one group alone (its marginal is the same population)', () => {
    const gs = groups([['x', 'FOUNDATION'], 3], [['y', 'AUDITOR'], 30], [['z', 'AUDITOR'], 30]);
    const reasons = suppressGroups(gs, ['none', 'none'], k, total(gs));
    // column AUDITOR has no suppressed cell; row x and column FOUNDATION have a single cell
    expect(reasons).toEqual(['SMALL_GROUP', null, null]);
  });

  it('leaves no line of a random ATO x month table with one suppressed group or fewer than k suppressed sittings', () => {
    let state = 12345;
    const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
    const gs: SuppressibleGroup[] = [];
    for (let a = 0; a < 60; a++)
      for (let m = 1; m <= 24; m++) {
        if (random() < 0.2) continue; // not every ATO sits every month
        gs.push({
          key: [
            `ato-${a}`,
            `${2024 + Math.floor((m - 1) / 12)}-${String(((m - 1) % 12) + 1).padStart(2, '0')}`,
          ],
          sittings: Math.floor(random() * 30) + 1,
        });
      }
    const reasons = suppressGroups(gs, ['none', 'month'], k, total(gs));
    expect(reasons.filter((r) => r === 'SMALL_GROUP').length).toBe(gs.filter((g) => g.sittings < k).length);
    // every line an analyst can total by another query: per ATO (all months, each quarter, each year) and per month
    const lines = new Map<string, number[]>();
    const add = (key: string, i: number) => lines.set(key, [...(lines.get(key) ?? []), i]);
    gs.forEach((g, i) => {
      const [ato, month] = g.key as [string, string];
      const quarter = `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5)) - 1) / 3) + 1}`;
      add(`ato ${ato}`, i);
      add(`ato ${ato} ${quarter}`, i);
      add(`ato ${ato} ${month.slice(0, 4)}`, i);
      add(`month ${month}`, i);
    });
    for (const line of lines.values()) {
      if (line.length < 2) continue;
      const hidden = line.filter((i) => reasons[i] !== null);
      if (hidden.length === 0 || hidden.length === line.length) continue;
      expect(hidden.length).toBeGreaterThanOrEqual(2);
      expect(hidden.reduce((s, i) => s + gs[i].sittings, 0)).toBeGreaterThanOrEqual(k);
    }
  });
});

describe('small-group suppression on typed arrays', () => {
  const months = Array.from(
    { length: 30 },
    (_, m) => `${2023 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`,
  );
  const quarters = ['2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4', '2024-Q1', '2024-Q2'];
  const shapes: Array<{
    name: string;
    values: Array<Array<string | null>>;
    hierarchies: DimensionHierarchy[];
  }> = [
    {
      name: 'ATO x month',
      values: [[null, ...Array.from({ length: 40 }, (_, a) => `ato-${a}`)], months],
      hierarchies: ['none', 'month'],
    },
    { name: 'month alone', values: [months], hierarchies: ['month'] },
    {
      name: 'quarter x language x exam',
      values: [quarters, ['en', 'ja', 'de'], ['FOUNDATION', 'AUDITOR']],
      hierarchies: ['quarter', 'none', 'none'],
    },
    {
      name: 'four dimensions',
      values: [['GB', 'DE', 'NL'], ['ato-1', 'ato-2', null], months.slice(0, 14), ['ATO_COURSE', 'PUBLIC']],
      hierarchies: ['none', 'none', 'month', 'none'],
    },
  ];

  it.each(shapes)(
    'picks exactly the groups of the object-based implementation ($name)',
    ({ values, hierarchies }) => {
      for (let seed = 1; seed <= 25; seed++) {
        let state = seed * 7919;
        const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
        const gs: SuppressibleGroup[] = [];
        const walk = (d: number, key: Array<string | null>): void => {
          if (d === values.length) {
            if (random() < 0.3)
              gs.push({ key, sittings: Math.floor(random() * (random() < 0.5 ? 12 : 60)) + 1 });
            return;
          }
          for (const v of values[d]) walk(d + 1, [...key, v]);
        };
        walk(0, []);
        for (const kk of [5, 10, 20]) {
          expect(suppressGroups(gs, hierarchies, kk, total(gs))).toEqual(
            referenceSuppressGroups(gs, hierarchies, kk, total(gs)),
          );
        }
      }
    },
  );
});
