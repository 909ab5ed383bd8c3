import { pick, randomGenerator, seededRcbId, seededRcbName, seededRcbStatus, stableUuid } from '../src';

describe('seed kit', () => {
  it('repeats the same random sequence for the same seed, and a different one otherwise', () => {
    const a = randomGenerator(42);
    const b = randomGenerator(42);
    const c = randomGenerator(43);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(first);
    expect(first.every((n) => n >= 0 && n < 1)).toBe(true);
    expect(pick(randomGenerator(1), ['only'])).toBe('only');
  });

  it('gives every seeded RCB a stable uuid, name and status that both services agree on', () => {
    expect(stableUuid('x')).toBe(stableUuid('x'));
    expect(seededRcbId(7)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(Array.from({ length: 300 }, (_, i) => seededRcbId(i))).size).toBe(300);
    expect(new Set(Array.from({ length: 300 }, (_, i) => seededRcbName(i))).size).toBe(300);
    expect(seededRcbStatus(0)).toBe('APPOINTED');
    expect([seededRcbStatus(98), seededRcbStatus(99)]).toEqual(['SUSPENDED', 'WITHDRAWN']);
  });
});
