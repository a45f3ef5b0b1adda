import { mockServices } from '@backstage/backend-test-utils';
import { hashCallbackToken } from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  createStoreTestDatabases,
  givenIntegration,
  migratedStore,
} from '../store/__testUtils__/storeTestDatabases';
import type { SyncStore } from '../store/SyncStore';
import {
  CALLBACK_TOKEN_USE_INTERVAL_MS,
  CallbackTokenUse,
} from './CallbackTokenUse';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

describe.each(databases.eachSupportedId())(
  'CallbackTokenUse on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });

    async function givenToken(token: string) {
      const integration = await givenIntegration(store);
      const tokenHash = hashCallbackToken(token);
      const record = await store.callbackTokens.create(
        {
          integrationId: integration.id,
          name: token,
          description: '',
          tokenHash,
          createdBy: 'u',
        },
        1_000,
      );
      const lastUsed = async () =>
        (await store.callbackTokens.get(integration.id, record.id))
          ?.last_used_at;
      return { integration, tokenHash, record, lastUsed };
    }

    it("writes a token's last use at most once an interval", async () => {
      const clock = { now: () => 100_000 };
      const use = new CallbackTokenUse(
        store,
        clock,
        mockServices.logger.mock(),
      );
      const { integration, tokenHash, lastUsed } =
        await givenToken('itsmcb_interval');
      expect(await lastUsed()).toBeNull();

      await use.note(integration.id, tokenHash);
      expect(await lastUsed()).toBe(100_000);

      // Within the interval the use is not written again.
      clock.now = () => 100_000 + CALLBACK_TOKEN_USE_INTERVAL_MS - 1;
      await use.note(integration.id, tokenHash);
      expect(await lastUsed()).toBe(100_000);

      clock.now = () => 100_000 + CALLBACK_TOKEN_USE_INTERVAL_MS;
      await use.note(integration.id, tokenHash);
      expect(await lastUsed()).toBe(100_000 + CALLBACK_TOKEN_USE_INTERVAL_MS);
    });

    it("leaves revoked tokens and other integrations' tokens alone", async () => {
      const use = new CallbackTokenUse(
        store,
        { now: () => 200_000 },
        mockServices.logger.mock(),
      );
      const revoked = await givenToken('itsmcb_revoked');
      await store.callbackTokens.revoke(
        revoked.integration.id,
        revoked.record.id,
        150_000,
      );
      const other = await givenToken('itsmcb_other');

      await use.note(revoked.integration.id, revoked.tokenHash);
      // The right hash under the wrong integration.
      await use.note(revoked.integration.id, other.tokenHash);

      expect(await revoked.lastUsed()).toBeNull();
      expect(await other.lastUsed()).toBeNull();
    });
  },
);

describe('CallbackTokenUse when the write fails', () => {
  it('logs, does not throw, and tries again on the next use', async () => {
    const touch = jest
      .fn()
      .mockRejectedValue(new Error('connection terminated'));
    const logger = mockServices.logger.mock();
    const use = new CallbackTokenUse(
      { callbackTokens: { touch } } as unknown as SyncStore,
      { now: () => 5_000 },
      logger,
    );

    await expect(use.note('integration-1', 'hash')).resolves.toBeUndefined();
    await expect(use.note('integration-1', 'hash')).resolves.toBeUndefined();

    expect(touch).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('connection terminated'),
    );
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('hash');
  });
});
