import {
  cellKeyOf,
  combinedCellKey,
  derivedKey,
  MAX_PERTURBATION,
  PERTURBATION_TABLE,
  perturbCount,
  perturbedCell,
  perturbPart,
  perturbSum,
  RECORD_KEY_MODULUS,
  roundPublished,
} from '../../src/statistics/domain/perturbation';
import {
  SMALL_GROUP,
  suppressSmallGroups,
  suppressionReasonOf,
} from '../../src/statistics/domain/suppression';
import { seeded } from './statistics-fixtures';

const k = 10;

describe('small-group suppression', () => {
  it('hides every group below k true sittings, and everything when the total is below k', () => {
    expect(Array.from(suppressSmallGroups([10, 9, 50, 1], 4, k, 70))).toEqual([
      0,
      SMALL_GROUP,
      0,
      SMALL_GROUP,
    ]);
    expect(Array.from(suppressSmallGroups([5, 4], 2, k, 9))).toEqual([SMALL_GROUP, SMALL_GROUP]);
    expect(suppressionReasonOf(SMALL_GROUP)).toBe('SMALL_GROUP');
    expect(suppressionReasonOf(0)).toBeNull();
  });
});

describe('the perturbation table', () => {
  // Moments computed here from the cumulative probabilities, not taken from the module.
  const rows = PERTURBATION_TABLE.map((row) => {
    const p = row.cumulative.map((c, i) => c - (i ? row.cumulative[i - 1] : 0));
    const mean = p.reduce((s, x, i) => s + x * (row.min + i), 0);
    const variance = p.reduce((s, x, i) => s + x * (row.min + i - mean) ** 2, 0);
    return { row, p, mean, variance };
  });

  it('is unbiased and bounded: every row a distribution with mean zero over [-count, 7]', () => {
    rows.forEach(({ row, p, mean }, c) => {
      expect(p.every((x) => x > 0)).toBe(true);
      // every noise value can occur with 31-bit keys (else the table's real bound would be smaller)
      expect(p.every((x) => x * RECORD_KEY_MODULUS >= 1)).toBe(true);
      expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
      expect(mean).toBeCloseTo(0, 9);
      expect(row.min).toBe(Math.max(-(c + 1), -MAX_PERTURBATION));
      expect(row.min + p.length - 1).toBe(MAX_PERTURBATION);
    });
    // the variance a count of 4 or more gets: the accuracy cost stated in the README
    expect(rows[rows.length - 1].variance).toBeCloseTo(1.5625, 3);
  });

  it('gives each noise value with its probability when cell keys are uniform', () => {
    const random = seeded(3);
    const counts = new Map<number, number>();
    const draws = 200_000;
    for (let i = 0; i < draws; i++) {
      const noise = perturbCount(100, Math.floor(random() * RECORD_KEY_MODULUS)) - 100;
      counts.set(noise, (counts.get(noise) ?? 0) + 1);
    }
    const last = rows[rows.length - 1];
    last.p.forEach((p, i) => {
      const observed = (counts.get(last.row.min + i) ?? 0) / draws;
      expect(Math.abs(observed - p)).toBeLessThan(0.005);
    });
  });

  it('never makes a count negative, and leaves zero at zero', () => {
    const random = seeded(5);
    for (let i = 0; i < 20_000; i++) {
      const count = 1 + Math.floor(random() * 6);
      const published = perturbCount(count, Math.floor(random() * RECORD_KEY_MODULUS));
      expect(published).toBeGreaterThanOrEqual(0);
      expect(Math.abs(published - count)).toBeLessThanOrEqual(MAX_PERTURBATION);
    }
    expect(perturbCount(0, 12345)).toBe(0);
  });
});

describe('cell keys', () => {
  it('are the sum of record keys modulo 2^31, the same however the cell is put together', () => {
    const keys = [2 ** 31 - 1, 5, 2 ** 30, 17];
    const whole = cellKeyOf(keys.reduce((s, x) => s + x, 0));
    expect(whole).toBe((2 ** 31 - 1 + 5 + 2 ** 30 + 17) % 2 ** 31);
    expect(combinedCellKey([combinedCellKey(keys.slice(0, 2)), combinedCellKey(keys.slice(2))])).toBe(whole);
  });

  it('give the same noise to the same sittings every time (repeats do not average out)', () => {
    const key = 1_234_567_890;
    const first = [perturbCount(57, key), perturbPart(perturbedCell(57, key), 20, 'passed')];
    for (let i = 0; i < 5; i++)
      expect([perturbCount(57, key), perturbPart(perturbedCell(57, key), 20, 'passed')]).toEqual(first);
  });

  it('derive independent-looking keys per label, uniform in [0, 2^31)', () => {
    const random = seeded(9);
    const buckets = new Array(16).fill(0);
    let equal = 0;
    for (let i = 0; i < 32_000; i++) {
      const key = Math.floor(random() * RECORD_KEY_MODULUS);
      const a = derivedKey(key, 'passed');
      const b = derivedKey(key, 'bucket3');
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThan(RECORD_KEY_MODULUS);
      buckets[Math.floor((a / RECORD_KEY_MODULUS) * 16)]++;
      if (a === b) equal++;
    }
    for (const count of buckets) expect(Math.abs(count - 2000)).toBeLessThan(200);
    expect(equal).toBe(0);
  });

  it('perturb sums by whole multiples of the scale, and parts never beyond their cell', () => {
    const random = seeded(13);
    for (let i = 0; i < 5000; i++) {
      const key = Math.floor(random() * RECORD_KEY_MODULUS);
      const moved = (perturbSum(123_400, key, 1000) - 123_400) / 1000;
      expect(Number.isInteger(moved)).toBe(true);
      expect(Math.abs(moved)).toBeLessThanOrEqual(MAX_PERTURBATION);
      const cell = perturbedCell(12, key);
      expect(perturbPart(cell, 12, 'passed')).toBeLessThanOrEqual(cell.sittings);
    }
    expect(roundPublished(0.123456)).toBe(0.1235);
    expect(roundPublished(null)).toBeNull();
  });
});
