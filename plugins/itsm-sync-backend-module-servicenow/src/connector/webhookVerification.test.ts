import { createHmac } from 'node:crypto';
import {
  standardWebhookHeaders,
  type WebhookRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { verifyServiceNowWebhook } from './webhookVerification';

const secret = 'current-secret-0001';
const oldSecret = 'previous-secret-0001';
const body = Buffer.from(
  JSON.stringify({
    sys_id: 'a'.repeat(32),
    state: '2',
    updated_on: '2024-01-01 00:00:00',
  }),
);
const sign = (key: string, encoding: 'hex' | 'base64', raw = body) =>
  createHmac('sha256', key).update(raw).digest(encoding);
const request = (
  headers: Record<string, string>,
  rawBody = body,
): WebhookRequest => ({
  rawBody,
  headers,
  method: 'POST',
  url: '/api/itsm-sync/v1/webhooks/x',
});
const now = new Date('2024-06-01T12:00:00Z');
const verify = (
  req: WebhookRequest,
  secrets = [secret],
  requireTimestamp = false,
) => verifyServiceNowWebhook(req, secrets, { requireTimestamp, now });

describe('X-ServiceNow-Signature verification', () => {
  it('accepts a Base64 signature, as ServiceNow helpers emit', () => {
    expect(
      verify(request({ 'x-servicenow-signature': sign(secret, 'base64') })),
    ).toEqual({ ok: true });
  });

  it('accepts a hex signature, with or without a sha256= prefix', () => {
    expect(
      verify(request({ 'x-servicenow-signature': sign(secret, 'hex') })),
    ).toEqual({ ok: true });
    expect(
      verify(
        request({ 'x-servicenow-signature': `sha256=${sign(secret, 'hex')}` }),
      ),
    ).toEqual({ ok: true });
  });

  it('accepts a body signed with an older secret during rotation, and a list of signatures', () => {
    expect(
      verify(request({ 'x-servicenow-signature': sign(oldSecret, 'base64') }), [
        secret,
        oldSecret,
      ]),
    ).toEqual({ ok: true });
    const both = `${sign('unrelated-secret', 'hex')}, ${sign(oldSecret, 'hex')}`;
    expect(
      verify(request({ 'x-servicenow-signature': both }), [secret, oldSecret]),
    ).toEqual({ ok: true });
  });

  it('refuses a signature made with a secret no longer configured', () => {
    expect(
      verify(request({ 'x-servicenow-signature': sign(oldSecret, 'base64') }), [
        secret,
      ]),
    ).toMatchObject({ ok: false });
  });

  it('refuses a tampered body', () => {
    const tampered = Buffer.from(body.toString().replace('"2"', '"6"'));
    expect(
      verify(
        request({ 'x-servicenow-signature': sign(secret, 'base64') }, tampered),
      ),
    ).toEqual({
      ok: false,
      reason: 'X-ServiceNow-Signature does not match the body',
    });
  });

  it('refuses a missing or empty header and an integration without secrets', () => {
    expect(verify(request({}))).toEqual({
      ok: false,
      reason: 'missing X-ServiceNow-Signature header',
    });
    expect(verify(request({ 'x-servicenow-signature': ' ' }))).toMatchObject({
      ok: false,
    });
    expect(
      verify(request({ 'x-servicenow-signature': sign(secret, 'hex') }), []),
    ).toEqual({
      ok: false,
      reason: 'no webhook secret is configured for this integration',
    });
  });

  it('refuses a truncated or garbage signature', () => {
    expect(
      verify(
        request({ 'x-servicenow-signature': sign(secret, 'hex').slice(0, 40) }),
      ),
    ).toMatchObject({ ok: false });
    expect(
      verify(request({ 'x-servicenow-signature': 'not a signature!' })),
    ).toMatchObject({ ok: false });
  });

  it('accepts a timestamp within 5 minutes and refuses a stale or future one', () => {
    const signature = sign(secret, 'base64');
    const at = (offsetSeconds: number) =>
      String(Math.floor(now.getTime() / 1000) + offsetSeconds);
    expect(
      verify(
        request({
          'x-servicenow-signature': signature,
          'x-servicenow-timestamp': at(-299),
        }),
      ),
    ).toEqual({ ok: true });
    expect(
      verify(
        request({
          'x-servicenow-signature': signature,
          'x-servicenow-timestamp': at(-301),
        }),
      ),
    ).toEqual({
      ok: false,
      reason: 'X-ServiceNow-Timestamp is outside the 5 minute window',
    });
    expect(
      verify(
        request({
          'x-servicenow-signature': signature,
          'x-servicenow-timestamp': at(600),
        }),
      ),
    ).toMatchObject({ ok: false });
    expect(
      verify(
        request({
          'x-servicenow-signature': signature,
          'x-servicenow-timestamp': 'yesterday',
        }),
      ),
    ).toMatchObject({ ok: false });
  });

  it('requires the timestamp when the integration says so', () => {
    expect(
      verify(
        request({ 'x-servicenow-signature': sign(secret, 'base64') }),
        [secret],
        true,
      ),
    ).toEqual({
      ok: false,
      reason: 'missing X-ServiceNow-Timestamp header',
    });
  });

  it('never puts a secret in a refusal reason', () => {
    const result = verify(
      request({ 'x-servicenow-signature': sign(oldSecret, 'hex') }),
      [secret],
    );
    expect(JSON.stringify(result)).not.toContain(secret);
  });
});

describe('Standard Webhooks verification (webhook_signature_scheme: standard-webhooks)', () => {
  const standard = (req: WebhookRequest, secrets = [secret]) =>
    verifyServiceNowWebhook(req, secrets, {
      requireTimestamp: false,
      now,
      scheme: 'standard-webhooks',
    });

  it('accepts id.timestamp.body signed with a current or an older secret', () => {
    expect(
      standard(request(standardWebhookHeaders(secret, 'msg_1', body, now))),
    ).toEqual({ ok: true });
    expect(
      standard(request(standardWebhookHeaders(oldSecret, 'msg_1', body, now)), [
        secret,
        oldSecret,
      ]),
    ).toEqual({ ok: true });
  });

  it('refuses a changed id, a changed body, a legacy signature and a missing header', () => {
    const headers = standardWebhookHeaders(secret, 'msg_1', body, now);
    expect(
      standard(request({ ...headers, 'webhook-id': 'msg_2' })),
    ).toMatchObject({ ok: false });
    expect(
      standard(
        request(headers, Buffer.from(body.toString().replace('"2"', '"6"'))),
      ),
    ).toMatchObject({ ok: false });
    expect(
      standard(request({ 'x-servicenow-signature': sign(secret, 'base64') })),
    ).toMatchObject({ ok: false });
    expect(
      standard(request({ ...headers, 'webhook-timestamp': '' })),
    ).toMatchObject({ ok: false });
  });

  it('refuses a delivery signed more than 5 minutes ago or ahead', () => {
    const old = standardWebhookHeaders(
      secret,
      'msg_1',
      body,
      new Date(now.getTime() - 301_000),
    );
    const ahead = standardWebhookHeaders(
      secret,
      'msg_1',
      body,
      new Date(now.getTime() + 301_000),
    );
    expect(standard(request(old))).toEqual({
      ok: false,
      reason: 'webhook-timestamp is outside the 5 minute window',
    });
    expect(standard(request(ahead))).toMatchObject({ ok: false });
    expect(
      standard(
        request(
          standardWebhookHeaders(
            secret,
            'msg_1',
            body,
            new Date(now.getTime() - 290_000),
          ),
        ),
      ),
    ).toEqual({ ok: true });
  });
});
