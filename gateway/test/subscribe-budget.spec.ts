import { SubscribeBudget } from '../src/subscriptions/subscribe-budget';

describe('the subscribe budget', () => {
  it('lets a client start its burst, then one more per refill, and says how long to wait', () => {
    let now = 0;
    const budget = new SubscribeBudget(3, 6, 100, () => now);
    expect([1, 2, 3].map(() => budget.spend('a'))).toEqual([undefined, undefined, undefined]);
    expect(budget.spend('a')?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 10 });
    expect(budget.spend('b')).toBeUndefined();
    now += 10_000;
    expect(budget.spend('a')).toBeUndefined();
    expect(budget.spend('a')?.extensions.code).toBe('RATE_LIMITED');
  });

  it('forgets the client heard from longest ago when its table is full', () => {
    const budget = new SubscribeBudget(1, 1, 2, () => 0);
    budget.spend('a');
    budget.spend('b');
    budget.spend('c');
    // 'a' was forgotten, so it starts with a full burst again; 'c' is still known
    expect(budget.spend('a')).toBeUndefined();
    expect(budget.spend('c')?.extensions.code).toBe('RATE_LIMITED');
  });
});
