import { testServerUrl } from '@iso20000/testing';
import { DataSource } from 'typeorm';
import {
  decodeCursorAs,
  DomainRefusal,
  encodeCursor,
  pageInMemory,
  paginate,
  toConnection,
  type Connection,
  type KeysetColumn,
} from '../src';

describe('connections', () => {
  const items = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id }));

  it('says there is a next page exactly when a row beyond the page was fetched', () => {
    expect(toConnection(items.slice(0, 3), 2, (i) => [i.id]).pageInfo.hasNextPage).toBe(true);
    expect(toConnection(items.slice(0, 2), 2, (i) => [i.id]).pageInfo.hasNextPage).toBe(false);
  });

  it('pages an in-memory list to the end without losing or repeating an item', () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Connection<{ id: string }> = pageInMemory(items, { first: 2, after });
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('reads a typed cursor and refuses one of another list', () => {
    const id = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
    const cursor = encodeCursor(['2026-12-01T10:00:00.000Z', id]);
    expect(decodeCursorAs(cursor, ['instant', 'uuid'])).toEqual(['2026-12-01T10:00:00.000Z', id]);
    expect(decodeCursorAs(null, ['instant', 'uuid'])).toBeNull();
    expect(() => decodeCursorAs(cursor, ['uuid', 'uuid'])).toThrow(DomainRefusal);
    expect(() => decodeCursorAs(encodeCursor(['x']), ['date'])).toThrow(DomainRefusal);
    expect(() => decodeCursorAs('not-a-cursor', ['string'])).toThrow(DomainRefusal);
  });
});

describe('paginate', () => {
  const dataSource = new DataSource({ type: 'postgres', url: testServerUrl() });
  beforeAll(() => dataSource.initialize());
  afterAll(() => dataSource.destroy());

  const columns: KeysetColumn<{ at: string; id: string }>[] = [
    { sql: '"t"."at"', cast: 'timestamptz', orderBy: 't.at', value: (row) => row.at },
    { sql: '"t"."id"', cast: 'uuid', orderBy: 't.id', value: (row) => row.id },
  ];

  it.each([
    ['a part that is not a uuid', ['2026-12-01T10:00:00.000Z', 'x']],
    ['a part that is not an instant', ['yesterday', '3f2504e0-4f89-11d3-9a0c-0305e82c3301']],
    ['too few parts', ['2026-12-01T10:00:00.000Z']],
  ])('refuses a cursor with %s before any SQL runs', async (_what, key) => {
    const qb = dataSource.createQueryBuilder().from('pg_class', 't');
    await expect(
      paginate(qb as never, columns as never, { first: 5, after: encodeCursor(key) }),
    ).rejects.toThrow(DomainRefusal);
  });
});
