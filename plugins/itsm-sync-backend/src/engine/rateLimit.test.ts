import { nextSlot } from './rateLimit';

const NOW = 1_700_000_000_000;

describe('nextSlot (the rate limit of an integration)', () => {
  it.each([null, 0, -5])('does not wait without a limit (%p)', limit => {
    expect(nextSlot(NOW - 1, NOW, limit)).toBe(NOW);
  });

  it('lets the first call start at once', () => {
    expect(nextSlot(undefined, NOW, 100)).toBe(NOW);
  });

  it('spaces calls 60 s / limit apart', () => {
    expect(nextSlot(NOW, NOW, 120)).toBe(NOW + 500);
    expect(nextSlot(NOW, NOW + 100, 120)).toBe(NOW + 500);
  });

  it('does not wait once the spacing has passed', () => {
    expect(nextSlot(NOW, NOW + 10_000, 120)).toBe(NOW + 10_000);
  });

  it('starts at most `limit` calls in any minute of a burst', () => {
    const limit = 100;
    let last: number | undefined;
    const starts: number[] = [];
    for (let i = 0; i < 250; i++) {
      last = nextSlot(last, NOW, limit);
      starts.push(last);
    }
    for (const start of starts) {
      expect(
        starts.filter(s => s >= start && s < start + 60_000).length,
      ).toBeLessThanOrEqual(limit);
    }
    expect(starts[limit]).toBe(NOW + 60_000);
  });
});
