import { backgroundRate, sqlPerRequest } from '../src/sql-stats';

describe('SQL per request from pg_stat_database', () => {
  it('subtracts the idle background and divides by requests', () => {
    const idle = backgroundRate(
      { exam: { transactions: 100, tuplesFetched: 0 } },
      { exam: { transactions: 120, tuplesFetched: 0 } },
      10,
    );
    expect(idle).toEqual({ exam: 2 });
    const perRequest = sqlPerRequest(
      { exam: { transactions: 1000, tuplesFetched: 50 }, registry: { transactions: 0, tuplesFetched: 0 } },
      {
        exam: { transactions: 1320, tuplesFetched: 2050 },
        registry: { transactions: 100, tuplesFetched: 0 },
      },
      100,
      10,
      idle,
    );
    expect(perRequest.byDatabase).toEqual({ exam: 3, registry: 1 });
    expect(perRequest.statements).toBe(4);
    expect(perRequest.tuplesFetched).toBe(20);
  });

  it('never reports negative work when the background was noisier than usual', () => {
    const perRequest = sqlPerRequest(
      { exam: { transactions: 0, tuplesFetched: 0 } },
      { exam: { transactions: 5, tuplesFetched: 0 } },
      10,
      10,
      { exam: 2 },
    );
    expect(perRequest.statements).toBe(0);
  });
});
