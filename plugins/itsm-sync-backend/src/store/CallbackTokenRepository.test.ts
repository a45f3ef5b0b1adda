import { hashCallbackToken } from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  createStoreTestDatabases,
  expectUniqueViolation,
  givenIncident,
  givenIntegration,
  migratedStore,
} from './__testUtils__/storeTestDatabases';
import type { SyncStore } from './SyncStore';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

describe.each(databases.eachSupportedId())(
  'callback tokens and manual sync slots on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });

    it('keeps only hashes, lists tokens of one integration and revokes one at a time', async () => {
      const integration = await givenIntegration(store);
      const other = await givenIntegration(store);
      const input = (
        name: string,
        token: string,
        integrationId = integration.id,
      ) => ({
        integrationId,
        name,
        description: `${name} token`,
        tokenHash: hashCallbackToken(token),
        createdBy: 'user:default/admin',
      });
      const a = await store.callbackTokens.create(
        input('a', 'itsmcb_a'),
        1_000,
      );
      const b = await store.callbackTokens.create(
        input('b', 'itsmcb_b'),
        2_000,
      );
      await store.callbackTokens.create(
        input('c', 'itsmcb_c', other.id),
        3_000,
      );

      expect(
        (await store.callbackTokens.list(integration.id)).map(t => t.name),
      ).toEqual(['b', 'a']);
      expect(await store.callbackTokens.liveHashes(integration.id)).toEqual([
        hashCallbackToken('itsmcb_b'),
        hashCallbackToken('itsmcb_a'),
      ]);
      expect(await store.callbackTokens.countLive(integration.id)).toBe(2);

      // Another integration's token cannot be revoked through this one.
      expect(await store.callbackTokens.revoke(other.id, a.id, 4_000)).toBe(
        false,
      );
      expect(
        await store.callbackTokens.revoke(integration.id, a.id, 4_000),
      ).toBe(true);
      expect(
        await store.callbackTokens.revoke(integration.id, a.id, 5_000),
      ).toBe(false);
      expect(await store.callbackTokens.liveHashes(integration.id)).toEqual([
        hashCallbackToken('itsmcb_b'),
      ]);
      expect(
        await store.callbackTokens.get(integration.id, a.id),
      ).toMatchObject({
        revoked_at: 4_000,
        token_hash: hashCallbackToken('itsmcb_a'),
      });
      expect(
        await store.callbackTokens.get(integration.id, b.id),
      ).toMatchObject({ revoked_at: null, created_by: 'user:default/admin' });
    });

    it('refuses the same token hash twice', async () => {
      const integration = await givenIntegration(store);
      const input = {
        integrationId: integration.id,
        name: 'x',
        description: '',
        tokenHash: hashCallbackToken('dup'),
        createdBy: 'u',
      };
      await store.callbackTokens.create(input, 1);
      await expectUniqueViolation(store.callbackTokens.create(input, 2));
    });

    it('gives one manual sync slot per cooldown, even to simultaneous callers, and can give it back', async () => {
      const integration = await givenIntegration(store);
      const incident = await givenIncident(store);
      const start = (now: number) =>
        store.manualSync.start({
          incidentId: incident.id,
          integrationId: integration.id,
          now,
          cooldownMs: 600_000,
          payload: () => ({ changes: { title: 't' }, forced: ['title'] }),
        });
      const results = await Promise.all([
        start(10_000),
        start(10_000),
        start(10_000),
      ]);
      const queued = results.filter(r => r.kind === 'queued');
      expect(queued).toHaveLength(1);
      expect(results.filter(r => r.kind === 'cooldown')).toEqual([
        { kind: 'cooldown', until: 610_000 },
        { kind: 'cooldown', until: 610_000 },
      ]);
      const first = queued[0] as Extract<
        (typeof results)[number],
        { kind: 'queued' }
      >;
      const row = await store.outbox.get(first.outboxId);
      expect(row).toMatchObject({
        operation: 'sync',
        state: 'pending',
        payload: { changes: { title: 't' }, forced: ['title'] },
      });

      expect(await start(609_999)).toEqual({
        kind: 'cooldown',
        until: 610_000,
      });
      await store.manualSync.release(
        first.link.id,
        10_000,
        first.previousManualSyncAt,
      );
      expect((await start(20_000)).kind).toBe('queued');
      expect((await start(620_000)).kind).toBe('queued');
    });
  },
);
