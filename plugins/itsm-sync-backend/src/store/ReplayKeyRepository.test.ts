import {
  createStoreTestDatabases,
  migratedStore,
} from './__testUtils__/storeTestDatabases';

jest.setTimeout(60_000);

describe('ReplayKeyRepository', () => {
  const databases = createStoreTestDatabases();

  it.each(databases.eachSupportedId())(
    'accepts a key once until it expires, then again, and prunes expired keys (%p)',
    async id => {
      const store = await migratedStore(databases, id);
      const repo = store.replayKeys;
      expect(await repo.firstUse('k1', 2_000, 1_000)).toBe(true);
      expect(await repo.firstUse('k1', 2_000, 1_500)).toBe(false);
      expect(await repo.inUse('k1', 1_500)).toBe(true);
      expect(await repo.firstUse('k2', 1_800, 1_500)).toBe(true);
      // Expired: the key may be used again (a token cannot be, as its exp has passed too).
      expect(await repo.inUse('k1', 2_000)).toBe(false);
      expect(await repo.firstUse('k1', 5_000, 2_000)).toBe(true);
      expect(await repo.firstUse('k1', 5_000, 2_001)).toBe(false);
      expect(await repo.pruneExpired(2_500)).toBe(1);
      // k1 (to 5 000) is kept; k2 (to 1 800) is gone, so it reads as unused even before its expiry.
      expect(await repo.inUse('k1', 2_500)).toBe(true);
      expect(await repo.inUse('k2', 1_700)).toBe(false);
    },
  );

  it.each(databases.eachSupportedId())(
    'lets exactly one of many concurrent uses of a key win (%p)',
    async id => {
      const store = await migratedStore(databases, id);
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          store.replayKeys.firstUse('race', 9_000, 1_000),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    },
  );
});
