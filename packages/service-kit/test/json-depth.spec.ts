import { jsonNestingExceeds } from '../src';

describe('jsonNestingExceeds', () => {
  const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  it('counts objects and arrays, and refuses only beyond the limit', () => {
    expect(jsonNestingExceeds(nested(64), 64)).toBe(false);
    expect(jsonNestingExceeds(nested(65), 64)).toBe(true);
    expect(jsonNestingExceeds('['.repeat(65) + ']'.repeat(65), 64)).toBe(true);
    // siblings are not depth
    expect(jsonNestingExceeds(JSON.stringify(Array.from({ length: 1000 }, () => [{ a: [1] }])), 64)).toBe(
      false,
    );
  });

  it('reads brackets inside strings, escaped quotes included, as text', () => {
    expect(jsonNestingExceeds(JSON.stringify({ v: '{['.repeat(1000) }), 64)).toBe(false);
    expect(jsonNestingExceeds(JSON.stringify({ v: '\\"' + '['.repeat(1000) }), 64)).toBe(false);
    expect(jsonNestingExceeds(JSON.stringify({ v: 'a"b', w: [[[[1]]]] }), 3)).toBe(true);
  });
});
