import { RateLimitSlots } from './RateLimitSlots';

const NOW = 1_700_000_000_000;

describe('RateLimitSlots (the hub-side rate limit on one replica)', () => {
  it('takes a slot when it has come and tells when the next comes otherwise, taking nothing', () => {
    const slots = new RateLimitSlots();
    expect(slots.take('i', 60, NOW)).toBeUndefined();
    // 60 a minute: one a second.
    expect(slots.take('i', 60, NOW + 400)).toBe(NOW + 1000);
    expect(slots.take('i', 60, NOW + 999)).toBe(NOW + 1000);
    expect(slots.take('i', 60, NOW + 1000)).toBeUndefined();
    expect(slots.nextCallAt(NOW + 1000)).toEqual(new Map([['i', NOW + 2000]]));
    expect(slots.earliestAfter(NOW + 1000)).toBe(NOW + 2000);
    expect(slots.earliestAfter(NOW + 2000)).toBeUndefined();
  });

  it('keeps nothing for an integration without a limit, and forgets one idle for five minutes', () => {
    const slots = new RateLimitSlots();
    expect(slots.take('free', null, NOW)).toBeUndefined();
    expect(slots.take('free', null, NOW)).toBeUndefined();
    slots.take('idle', 600, NOW);
    expect([...slots.nextCallAt(NOW).keys()]).toEqual(['idle']);
    expect(slots.nextCallAt(NOW + 100 + 5 * 60_000 + 1)).toEqual(new Map());
    // Forgotten: its next call goes at once.
    expect(slots.take('idle', 600, NOW + 6 * 60_000)).toBeUndefined();
  });
});
