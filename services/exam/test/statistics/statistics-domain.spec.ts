import { toCsv } from '../../src/statistics/domain/csv';
import { correlationOf, itemFlags, ratioOf } from '../../src/statistics/domain/item-flags';
import { parseDimensions, parseStatisticsFilter } from '../../src/statistics/domain/statistics-filter';
import { statisticsMinGroupSize } from '../../src/config';

describe('item flags', () => {
  it('flags what a psychometrician expects', () => {
    expect(itemFlags(0.15, 0.3)).toEqual(['TOO_HARD']);
    expect(itemFlags(0.97, 0.25)).toEqual(['TOO_EASY']);
    expect(itemFlags(0.6, 0.1)).toEqual(['WEAK_DISCRIMINATION']);
    expect(itemFlags(0.6, -0.2)).toEqual(['WEAK_DISCRIMINATION', 'NEGATIVE_DISCRIMINATION']);
    expect(itemFlags(0.2, 0.2)).toEqual([]);
    expect(itemFlags(0.5, null)).toEqual([]);
  });

  it('decides on exact values: a discrimination of exactly zero is weak, not negative', () => {
    // 12 sittings whose question 1 has cov(x, T - x) = 0 exactly; the float formula gives -2.5e-16
    const marks = [
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
    const n = marks.length;
    const xs = marks.map((m) => m[0]);
    const totals = marks.map((m) => m.reduce((s, x) => s + x, 0));
    const sum = (v: number[]) => v.reduce((s, x) => s + x, 0);
    const [sx, sxx, st, stt] = [
      sum(xs),
      sum(xs.map((x) => x * x)),
      sum(totals),
      sum(totals.map((t) => t * t)),
    ];
    const sxt = sum(xs.map((x, i) => x * totals[i]));
    const floatVarX = sxx / n - (sx / n) ** 2;
    const floatCov = sxt / n - (sx / n) * (st / n);
    const floatVarT = stt / n - (st / n) ** 2;
    const floatDiscrimination =
      (floatCov - floatVarX) / Math.sqrt(floatVarX * (floatVarT - 2 * floatCov + floatVarX));
    expect(floatDiscrimination).toBeLessThan(0); // the noise this guards against
    expect(itemFlags(0.5, floatDiscrimination)).toContain('NEGATIVE_DISCRIMINATION');

    const vx = n * sxx - sx * sx;
    const cxt = n * sxt - sx * st;
    const vt = n * stt - st * st;
    const exact = correlationOf(String(cxt - vx), String(vx * (vt - 2 * cxt + vx)));
    expect(exact.numerator).toBe(0n);
    expect(itemFlags(ratioOf(String(sx), String(n)), exact)).toEqual(['WEAK_DISCRIMINATION']);
  });

  it('puts values exactly on a threshold on the unflagged side, whatever their decimals', () => {
    expect(itemFlags(ratioOf('2', '10'), correlationOf('1.00', '25.0000'))).toEqual([]); // p = 0.2, r = 0.2
    expect(itemFlags(ratioOf('19', '20'), correlationOf('-0.01', '1'))).toEqual([
      'WEAK_DISCRIMINATION',
      'NEGATIVE_DISCRIMINATION',
    ]);
    expect(itemFlags(ratioOf('199', '1000'), correlationOf('199', '1000000'))).toEqual([
      'TOO_HARD',
      'WEAK_DISCRIMINATION',
    ]);
    expect(itemFlags(ratioOf('951', '1000'), null)).toEqual(['TOO_EASY']);
  });
});

describe('CSV', () => {
  it('quotes per RFC 4180 and neutralizes formulas', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          [null, 1.5],
          ['=SUM(A1)', true],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n,1.5\r\n\'=SUM(A1),true\r\n');
  });
});

describe('statistics filter', () => {
  it('turns months into first days and rejects what it cannot answer', () => {
    expect(parseStatisticsFilter({ exams: ['AUDITOR'], fromMonth: '2024-01', toMonth: '2024-03' })).toEqual({
      filter: { exams: ['AUDITOR'], fromMonth: '2024-01-01', toMonth: '2024-03-01' },
    });
    expect(parseStatisticsFilter({ fromMonth: '2024-05', toMonth: '2024-01' })).toHaveProperty('error');
    expect(parseStatisticsFilter({ fromMonth: '2024-13' })).toHaveProperty('error');
    expect(parseStatisticsFilter({ countries: ['de'] })).toHaveProperty('error');
    expect(parseStatisticsFilter({ languages: [] })).toHaveProperty('error');
    expect(parseStatisticsFilter(null)).toEqual({ filter: {} });
  });

  it('accepts each dimension once', () => {
    expect(parseDimensions(['ATO', 'MONTH'])).toEqual({ dimensions: ['ATO', 'MONTH'] });
    expect(parseDimensions(['ATO', 'ATO'])).toHaveProperty('error');
  });
});

describe('minimum group size', () => {
  it('defaults to 10 and reads STATISTICS_MIN_GROUP_SIZE', () => {
    expect(statisticsMinGroupSize({})).toBe(10);
    expect(statisticsMinGroupSize({ STATISTICS_MIN_GROUP_SIZE: '25' })).toBe(25);
    expect(() => statisticsMinGroupSize({ STATISTICS_MIN_GROUP_SIZE: '1' })).toThrow(
      /STATISTICS_MIN_GROUP_SIZE/,
    );
  });
});
