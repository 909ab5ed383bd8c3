import { clampPageSize, decodeCursor, encodeCursor } from '../src';

describe('cursor pagination helpers', () => {
  it('round-trips a sort key through an opaque cursor', () => {
    const key = ['2026-11-25T10:00:00.000Z', 'a3b1'];
    const cursor = encodeCursor(key);
    expect(cursor).not.toContain('2026');
    expect(decodeCursor(cursor)).toEqual(key);
  });

  it('refuses a cursor it did not issue', () => {
    expect(() => decodeCursor('not-a-cursor')).toThrow(/cursor is not one this API issued/);
  });

  it('bounds page sizes', () => {
    expect(clampPageSize(undefined)).toBe(20);
    expect(clampPageSize(100)).toBe(100);
    expect(() => clampPageSize(101)).toThrow(/between 1 and 100/);
    expect(() => clampPageSize(0)).toThrow(/between 1 and 100/);
  });
});
