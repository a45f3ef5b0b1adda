import {
  startSyncTestBackend,
  type SyncTestBackend,
} from '../__testUtils__/syncTestBackend';

jest.setTimeout(60_000);

describe('note authors', () => {
  let hub: SyncTestBackend;

  beforeAll(async () => {
    hub = await startSyncTestBackend();
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('records the authenticated caller as the author and refuses a supplied one, adding nothing', async () => {
    const incident = (
      await hub.api
        .post(`${hub.base}/v1/incidents`)
        .send({ title: 'Disk full', severity: 'SEV-3' })
    ).body;
    const forged = await hub.api
      .post(`${hub.base}/v1/incidents/${incident.id}/notes`)
      .send({ text: 'all clear', author: 'user:default/ceo' });
    expect(forged.status).toBe(400);
    expect(forged.body.error.message).toMatch(/author/);
    const added = await hub.api
      .post(`${hub.base}/v1/incidents/${incident.id}/notes`)
      .send({ text: 'looking into it' });
    expect(added.status).toBe(201);
    const timeline = (
      await hub.api.get(`${hub.base}/v1/incidents/${incident.id}/timeline`)
    ).body.items;
    const notes = timeline.filter((e: { kind: string }) => e.kind === 'note');
    // mockCredentials' default user, as startTestBackend authenticates every request.
    expect(notes).toEqual([
      expect.objectContaining({
        text: 'looking into it',
        author: 'user:default/mock',
      }),
    ]);
  });
});
