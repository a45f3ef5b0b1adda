import { claimShares, defaultPerIntegrationConcurrency } from './claimShares';

const NOW = 1_700_000_000_000;

describe('claimShares (what each integration may take in the next claim)', () => {
  it('gives an integration its share less its deliveries in flight, and none at its cap', () => {
    const shares = claimShares({
      perIntegration: 3,
      inFlight: ['slow', 'slow', 'slow', 'busy'],
      nextCallAt: new Map(),
      now: NOW,
    });
    expect(shares.perIntegration).toBe(3);
    expect(Object.fromEntries(shares.room)).toEqual({ slow: 0, busy: 2 });
  });

  it('lets a rate-limited integration make one call once its slot has come, none before', () => {
    const shares = claimShares({
      perIntegration: 8,
      inFlight: ['spaced'],
      nextCallAt: new Map([
        ['spaced', NOW],
        ['waiting', NOW + 1],
      ]),
      now: NOW,
    });
    expect(Object.fromEntries(shares.room)).toEqual({ spaced: 1, waiting: 0 });
  });

  it('never goes below nothing when the share shrank under the rows in flight', () => {
    const shares = claimShares({
      perIntegration: 1,
      inFlight: ['a', 'a', 'a'],
      nextCallAt: new Map([['a', NOW - 5]]),
      now: NOW,
    });
    expect(shares.room.get('a')).toBe(0);
  });

  it.each([
    [16, 8],
    [3, 1],
    [1, 1],
  ])(
    'gives one integration half of %i slots by default, at least one: %i',
    (concurrency, share) => {
      expect(defaultPerIntegrationConcurrency(concurrency)).toBe(share);
    },
  );
});
