import {
  createStoreTestDatabases,
  givenIntegration,
  migratedStore,
} from './__testUtils__/storeTestDatabases';

jest.setTimeout(60_000);

describe('UserMappingRepository', () => {
  const databases = createStoreTestDatabases();

  it.each(databases.eachSupportedId())(
    'keeps one identity per person and integration, refuses a taken identity, and reads a batch of integrations at once (%p)',
    async id => {
      const store = await migratedStore(databases, id);
      const a = await givenIntegration(store);
      const b = await givenIntegration(store);
      const jane = await store.userMappings.put(
        a.id,
        'jane@acme.com',
        'jdoe',
        1_000,
      );
      expect(jane).toMatchObject({
        integration_id: a.id,
        platform_user: 'jane@acme.com',
        external_user: 'jdoe',
      });
      // Jane again at the same integration: her identity there is replaced.
      const again = await store.userMappings.put(
        a.id,
        'jane@acme.com',
        'jane.d',
        2_000,
      );
      expect(again).toMatchObject({
        id: jane!.id,
        external_user: 'jane.d',
        updated_at: 2_000,
      });
      // Another person cannot take Jane's identity at that integration, but can elsewhere.
      expect(
        await store.userMappings.put(a.id, 'bob@acme.com', 'jane.d', 3_000),
      ).toBeUndefined();
      await store.userMappings.put(b.id, 'bob@acme.com', 'jane.d', 3_000);

      expect(
        (await store.userMappings.list(a.id)).map(m => m.platform_user),
      ).toEqual(['jane@acme.com']);
      expect(
        (await store.userMappings.forIntegrations([a.id, b.id, a.id])).map(
          m => [m.integration_id, m.external_user],
        ),
      ).toEqual(
        expect.arrayContaining([
          [a.id, 'jane.d'],
          [b.id, 'jane.d'],
        ]),
      );
      expect(await store.userMappings.delete(jane!.id)).toBe(true);
      expect(await store.userMappings.delete(jane!.id)).toBe(false);
      expect(await store.userMappings.get(jane!.id)).toBeUndefined();
    },
  );
});
