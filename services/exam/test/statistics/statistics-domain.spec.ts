import { toCsv } from '../../src/statistics/domain/csv';
import { itemFlags } from '../../src/statistics/domain/item-flags';
import { parseDimensions, parseStatisticsFilter } from '../../src/statistics/domain/statistics-filter';
import { statisticsMinGroupSize } from '../../src/statistics/statistics-config';

describe('item flags', () => {
  it('flags what a psychometrician expects', () => {
    expect(itemFlags(0.15, 0.3)).toEqual(['TOO_HARD']);
    expect(itemFlags(0.97, 0.25)).toEqual(['TOO_EASY']);
    expect(itemFlags(0.6, 0.1)).toEqual(['WEAK_DISCRIMINATION']);
    expect(itemFlags(0.6, -0.2)).toEqual(['WEAK_DISCRIMINATION', 'NEGATIVE_DISCRIMINATION']);
    expect(itemFlags(0.2, 0.2)).toEqual([]);
    expect(itemFlags(0.5, null)).toEqual([]);
  });
});

describe('CSV', () => {
  it('quotes per RFC 4180 and neutralizes formulas', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], [null, 1.5], ['=SUM(A1)', true]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n,1.5\r\n\'=SUM(A1),true\r\n');
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
    expect(() => statisticsMinGroupSize({ STATISTICS_MIN_GROUP_SIZE: '1' })).toThrow(/STATISTICS_MIN_GROUP_SIZE/);
  });
});
