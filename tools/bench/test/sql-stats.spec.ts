import {
  backgroundRate,
  normalisedStatement,
  splitStatements,
  sqlPerRequest,
  type SqlSample,
} from '../src/sql-stats';

const sample = (entries: Array<[string, string, number, number?]>): SqlSample =>
  new Map(
    entries.map(([database, queryid, calls, rows]) => [
      `${database}\t${queryid}`,
      { database, calls, rows: rows ?? 0, query: `query ${queryid}` },
    ]),
  );

describe('SQL per request from pg_stat_statements', () => {
  it('counts every statement, subtracting only the idle shapes at their idle rate', () => {
    // While idle the relay polled 20 times in 10 s.
    const idle = backgroundRate(sample([['exam', 'poll', 100]]), sample([['exam', 'poll', 120]]), 10);
    expect(idle.get('exam\tpoll')).toBe(2);
    // 100 requests in 10 s: 3 statements each in exam (one of them inside a transaction), 1 in registry.
    const perRequest = sqlPerRequest(
      sample([
        ['exam', 'poll', 120],
        ['exam', 'select', 0],
      ]),
      sample([
        ['exam', 'poll', 140],
        ['exam', 'select', 200, 2000],
        ['exam', 'begin', 100],
        ['registry', 'lookup', 100, 100],
      ]),
      100,
      10,
      idle,
      ['exam', 'registry', 'certificate'],
    );
    expect(perRequest.byDatabase).toEqual({ exam: 3, registry: 1, certificate: 0 });
    expect(perRequest.statements).toBe(4);
    expect(perRequest.rows).toBe(21);
    expect(perRequest.background).toBeCloseTo(0.2);
    expect(perRequest.top[0]).toEqual({ database: 'exam', perRequest: 2, query: 'query select' });
  });

  it('never reports negative work when the background was noisier than usual', () => {
    const perRequest = sqlPerRequest(
      sample([['exam', 'poll', 0]]),
      sample([['exam', 'poll', 5]]),
      10,
      10,
      new Map([['exam\tpoll', 2]]),
    );
    expect(perRequest.statements).toBe(0);
  });

  it("recognises a SQL function's body as pg_stat_statements shows it, constants and all", () => {
    // registry_fold() as the migration writes it, and as PostgreSQL 15 reports its plan-time run
    const [body] = splitStatements(
      ` SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) `,
    );
    expect(normalisedStatement('SELECT lower(public.unaccent($2::regdictionary, value))')).toBe(
      normalisedStatement(body),
    );
    expect(splitStatements("SELECT 1; SELECT 'a;b'")).toEqual(['SELECT 1', "SELECT 'a;b'"]);
    // a statement that only looks alike is not taken for it
    expect(normalisedStatement('SELECT lower(public.unaccent($2::regdictionary, name))')).not.toBe(
      normalisedStatement(body),
    );
    expect(normalisedStatement('SELECT * FROM t WHERE a = $1 AND b = 10')).toBe(
      normalisedStatement('select *  from t where a = 3 and b = $2;'),
    );
  });
});
