import { createHmac } from 'node:crypto';
import { mockCredentials } from '@backstage/backend-test-utils';
import { standardWebhookHeaders } from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  eventually,
  startServiceNowHub,
  type ServiceNowHub,
} from './__testUtils__/serviceNowHub';

jest.setTimeout(60_000);

const SECRET = 'snow-replay-business-rule-secret';
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Replays against a hub with a ServiceNow integration: captured deliveries sent again
 * (with new unsigned ids), an older change signed again, and under the Standard Webhooks
 * scheme, deliveries with a changed id or from outside the 5 minute window.
 */
describe('replayed and stale ServiceNow webhooks', () => {
  let hub: ServiceNowHub;
  let url: string;

  const post = (rawBody: Buffer, headers: Record<string, string>) =>
    fetch(url, {
      method: 'POST',
      headers: { ...headers, authorization: mockCredentials.none.header() },
      body: rawBody,
    }).then(async res => ({
      status: res.status,
      body: await res.json(),
    }));
  const timeline = async (id: string) => {
    const res = await hub.api('GET', `/v1/incidents/${id}/timeline`);
    return (res.body.items ?? res.body) as Array<{ text: string }>;
  };

  /** A linked incident that a person resolved in ServiceNow and the platform then reopened. */
  async function resolvedThenReopened() {
    const created = await hub.api('POST', '/v1/incidents', {
      title: 'Replay target',
      severity: 'SEV-2',
      integrations: [hub.integration.name],
    });
    const sysId = await eventually(
      async () =>
        (await hub.incident(created.body.id)).links?.[0]?.external_id as
          string | undefined,
    );
    // Apart by more than the conflict window (1 s here), so ordering alone decides.
    await sleep(1_100);
    await hub.sim.editAsPerson(sysId, {
      state: '6',
      close_code: 'Solution provided',
      close_notes: 'Fixed',
    });
    await eventually(
      async () => (await hub.incident(created.body.id)).status === 'resolved',
    );
    const resolved = hub.sim.lastWebhook()!;
    await sleep(1_100);
    expect(
      (
        await hub.api('PATCH', `/v1/incidents/${created.body.id}`, {
          status: 'open',
        })
      ).status,
    ).toBe(200);
    // Once ServiceNow holds the reopen too, a "resolved" is no longer an echo of what the hub wrote.
    await eventually(async () => hub.sim.incident(sysId)?.state === '2');
    return { id: created.body.id as string, resolved };
  }

  beforeAll(async () => {
    hub = await startServiceNowHub({
      integrationName: 'Replay ServiceNow',
      secret: SECRET,
    });
    url = `${hub.base}/v1/webhooks/${hub.integration.id}`;
    const tuned = await hub.api(
      'PATCH',
      `/v1/integrations/${hub.integration.id}`,
      { conflict_window_seconds: 1 },
    );
    if (tuned.status !== 200)
      throw new Error(`integration not tuned: ${JSON.stringify(tuned.body)}`);
  });

  afterAll(async () => {
    await hub?.stop();
  });

  it('a captured "resolved" sent again with new X-Request-Id and delivery id headers is a duplicate: 0 applied, the incident stays open', async () => {
    const { id, resolved } = await resolvedThenReopened();
    const replay = await post(resolved.rawBody, {
      ...resolved.headers,
      'x-request-id': 'replay-1',
      'x-servicenow-delivery-id': 'replay-1',
    });
    expect(replay).toMatchObject({
      status: 200,
      body: { duplicates: 1, applied: 0 },
    });
    expect((await hub.incident(id)).status).toBe('open');
  });

  it('an older "resolved" signed again under a new event id is recorded and ignored: 0 applied, the incident stays open', async () => {
    const { id, resolved } = await resolvedThenReopened();
    const payload = {
      ...JSON.parse(resolved.rawBody.toString('utf8')),
      event_id: 'late-copy-of-the-resolve',
    };
    const rawBody = Buffer.from(JSON.stringify(payload));
    const signature = createHmac('sha256', SECRET)
      .update(rawBody)
      .digest('base64');
    const late = await post(rawBody, {
      'content-type': 'application/json',
      'x-servicenow-signature': signature,
    });
    expect(late).toMatchObject({
      status: 200,
      body: { received: 1, duplicates: 0, applied: 0 },
    });
    expect((await hub.incident(id)).status).toBe('open');
    expect((await timeline(id)).map(e => e.text)).toContainEqual(
      expect.stringMatching(
        /^Ignored a stale change from Replay ServiceNow .*status/,
      ),
    );
  });

  describe('under the Standard Webhooks scheme', () => {
    beforeAll(async () => {
      const switched = await hub.api(
        'PATCH',
        `/v1/integrations/${hub.integration.id}`,
        { settings: { webhook_signature_scheme: 'standard-webhooks' } },
      );
      if (switched.status !== 200)
        throw new Error(
          `scheme not switched: ${JSON.stringify(switched.body)}`,
        );
      hub.sim.setWebhookTarget({
        url,
        secret: SECRET,
        scheme: 'standard-webhooks',
      });
    });

    it('takes a delivery signed over id.timestamp.body, and the same delivery again as a duplicate', async () => {
      const { id, resolved } = await resolvedThenReopened();
      expect(resolved.headers['webhook-signature']).toMatch(/^v1,/);
      const replay = await post(resolved.rawBody, resolved.headers);
      expect(replay).toMatchObject({
        status: 200,
        body: { duplicates: 1, applied: 0 },
      });
      expect((await hub.incident(id)).status).toBe('open');
    });

    it('refuses a delivery whose webhook-id was changed to pass as new, one from outside the 5 minute window, and the old scheme', async () => {
      const { id, resolved } = await resolvedThenReopened();
      const newId = await post(resolved.rawBody, {
        ...resolved.headers,
        'webhook-id': 'fresh-looking-id',
      });
      expect(newId.status).toBe(401);
      const sixMinutesAgo = new Date(Date.now() - 6 * 60_000);
      const old = await post(resolved.rawBody, {
        'content-type': 'application/json',
        ...standardWebhookHeaders(
          SECRET,
          'old-msg',
          resolved.rawBody,
          sixMinutesAgo,
        ),
      });
      expect(old.status).toBe(401);
      const legacy = await post(resolved.rawBody, {
        'content-type': 'application/json',
        'x-servicenow-signature': createHmac('sha256', SECRET)
          .update(resolved.rawBody)
          .digest('base64'),
      });
      expect(legacy.status).toBe(401);
      expect((await hub.incident(id)).status).toBe('open');
    });
  });
});
