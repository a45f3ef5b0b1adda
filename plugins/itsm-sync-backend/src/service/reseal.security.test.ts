import { createHmac, randomBytes } from 'node:crypto';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { legacyV1Envelope } from '../crypto/__testUtils__/legacyEnvelope';
import { SecretCipher } from '../crypto/SecretCipher';
import {
  startSyncTestBackend,
  TEST_WEBHOOK_SECRET,
  type SyncTestBackend,
} from '../__testUtils__/syncTestBackend';
import { createStoreTestDatabases } from '../store/__testUtils__/storeTestDatabases';

jest.setTimeout(120_000);

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const encryption = (key: Buffer, previous: Buffer[] = []) => ({
  encryption: {
    key: key.toString('hex'),
    previousKeys: previous.map(k => k.toString('hex')),
  },
});

/** Whether the hub can open an integration's webhook secrets: the signature test route verifies with them. */
async function secretsReadable(
  hub: SyncTestBackend,
  integrationId: string,
): Promise<number> {
  const body = JSON.stringify({
    event_id: 'probe',
    ticket_id: 'T-1',
    changes: {},
  });
  const res = await hub.api
    .post(`${hub.base}/v1/webhooks/${integrationId}/test`)
    .set('authorization', mockCredentials.none.header())
    .set('content-type', 'application/json')
    .set(
      'x-test-signature',
      createHmac('sha256', TEST_WEBHOOK_SECRET).update(body).digest('hex'),
    )
    .send(body);
  return res.status;
}

describe('resealing stored secrets after a key rotation', () => {
  const databases = createStoreTestDatabases();

  it.each(databases.eachSupportedId())(
    'leaves no ciphertext under an old key or unbound, so previousKeys can be emptied (%p)',
    async databaseId => {
      // Key A: two integrations, one of them with secrets as stored before envelopes were bound.
      let hub = await startSyncTestBackend({
        databases,
        databaseId,
        config: encryption(keyA),
      });
      const ids = [
        (await hub.createIntegration()).id,
        (await hub.createIntegration()).id,
      ];
      await hub.knex!('integrations')
        .where({ id: ids[1] })
        .update({
          secrets_ciphertext: legacyV1Envelope(keyA, {
            credentials: { token: 'legacy-token' },
            webhook_secrets: [TEST_WEBHOOK_SECRET],
          }),
        });
      const knex = hub.knex!;
      await hub.stop();

      // Key B with A as a previous key: everything still opens; the reseal moves it all to B.
      hub = await startSyncTestBackend({
        knex,
        config: encryption(keyB, [keyA]),
      });
      for (const id of ids) expect(await secretsReadable(hub, id)).toBe(200);
      const report = await hub.api.post(`${hub.base}/v1/secrets/reseal`).send();
      expect(report.status).toBe(200);
      expect(report.body).toEqual({
        key_id: SecretCipher.keyId(keyB),
        integrations: 2,
        resealed: 2,
        already_current: 0,
        failed: [],
      });
      const rows = await hub.knex!('integrations')
        .whereIn('id', ids)
        .select('secrets_ciphertext');
      for (const { secrets_ciphertext } of rows) {
        expect(
          secrets_ciphertext.startsWith(`v2.${SecretCipher.keyId(keyB)}.`),
        ).toBe(true);
        expect(secrets_ciphertext).not.toContain(SecretCipher.keyId(keyA));
      }
      const again = await hub.api.post(`${hub.base}/v1/secrets/reseal`).send();
      expect(again.body).toMatchObject({
        resealed: 0,
        already_current: 2,
        failed: [],
      });
      await hub.stop();

      // Key B alone: every integration's secrets open.
      hub = await startSyncTestBackend({ knex, config: encryption(keyB) });
      for (const id of ids) expect(await secretsReadable(hub, id)).toBe(200);
      await hub.stop();
    },
  );

  it('reports, by id and key id only, an integration whose key is gone, and changes nothing of it', async () => {
    const hub = await startSyncTestBackend({
      databases,
      databaseId: 'SQLITE_3',
      config: encryption(keyB),
    });
    try {
      const { id, name } = await hub.createIntegration();
      const lost = randomBytes(32);
      const orphan = new SecretCipher([lost]).seal(
        { credentials: { token: 'tok-lost' }, webhook_secrets: [] },
        id,
      );
      await hub.knex!('integrations')
        .where({ id })
        .update({ secrets_ciphertext: orphan });
      const report = await hub.api.post(`${hub.base}/v1/secrets/reseal`).send();
      expect(report.status).toBe(200);
      expect(report.body).toMatchObject({
        integrations: 1,
        resealed: 0,
        failed: [{ integration_id: id, name }],
      });
      expect(report.body.failed[0].error).toContain(SecretCipher.keyId(lost));
      expect(JSON.stringify(report.body)).not.toContain('tok-lost');
      expect(
        (await hub.knex!('integrations').where({ id }).first())
          .secrets_ciphertext,
      ).toBe(orphan);
    } finally {
      await hub.stop();
    }
  });

  it('is refused to a caller not allowed integration.manage on every integration', async () => {
    const hub = await startSyncTestBackend({
      config: encryption(keyB),
      features: [
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
    try {
      const refused = await hub.api
        .post(`${hub.base}/v1/secrets/reseal`)
        .send();
      expect(refused.status).toBe(403);
    } finally {
      await hub.stop();
    }
  });
});
