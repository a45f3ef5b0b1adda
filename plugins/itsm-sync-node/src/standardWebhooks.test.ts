import {
  signStandardWebhook,
  standardWebhookHeaders,
  verifyStandardWebhook,
  webhookSignatureScheme,
} from './standardWebhooks';

const body = Buffer.from('{"test": 2432232314}');
const now = new Date(1614265330 * 1000);

describe('Standard Webhooks signatures', () => {
  it('signs id.timestamp.body as the Standard Webhooks libraries do (whsec_ secrets are Base64 keys)', () => {
    expect(
      signStandardWebhook(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        body,
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies its own headers with any of the secrets and answers the signed id and time', () => {
    const headers = standardWebhookHeaders('old-secret', 'msg_1', body, now);
    expect(
      verifyStandardWebhook(
        { headers, rawBody: body },
        ['new-secret', 'old-secret'],
        { now },
      ),
    ).toEqual({
      ok: true,
      id: 'msg_1',
      timestampMs: now.getTime(),
    });
  });

  it('accepts one good signature among several (rotation at the sender)', () => {
    const headers = standardWebhookHeaders('s', 'msg_1', body, now);
    const both = `v1,${Buffer.alloc(32).toString('base64')} ${headers['webhook-signature']}`;
    expect(
      verifyStandardWebhook(
        { headers: { ...headers, 'webhook-signature': both }, rawBody: body },
        ['s'],
        { now },
      ).ok,
    ).toBe(true);
  });

  it('refuses a changed id, time or body, a missing header, other versions and a stale or future time', () => {
    const headers = standardWebhookHeaders('s', 'msg_1', body, now);
    const refused = (
      h: Record<string, string | undefined>,
      raw = body,
      at = now,
    ) =>
      verifyStandardWebhook({ headers: h, rawBody: raw }, ['s'], { now: at });
    expect(refused({ ...headers, 'webhook-id': 'msg_2' })).toEqual({
      ok: false,
      reason: 'webhook-signature does not match',
    });
    expect(
      refused({ ...headers, 'webhook-timestamp': String(1614265331) }),
    ).toMatchObject({ ok: false });
    expect(refused(headers, Buffer.from('{"test": 1}'))).toMatchObject({
      ok: false,
    });
    expect(refused({ ...headers, 'webhook-id': undefined })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('webhook-id'),
    });
    expect(
      refused({
        ...headers,
        'webhook-signature': headers['webhook-signature'].replace('v1,', 'v2,'),
      }),
    ).toEqual({
      ok: false,
      reason: 'webhook-signature has no v1 signature',
    });
    expect(refused(headers, body, new Date(now.getTime() + 301_000))).toEqual({
      ok: false,
      reason: 'webhook-timestamp is outside the 5 minute window',
    });
    expect(
      refused(headers, body, new Date(now.getTime() - 301_000)),
    ).toMatchObject({ ok: false });
    expect(refused(headers, body, new Date(now.getTime() + 299_000)).ok).toBe(
      true,
    );
    expect(
      verifyStandardWebhook({ headers, rawBody: body }, [], { now }),
    ).toMatchObject({ ok: false });
  });

  it('reads the scheme setting: legacy by default, a clear error for anything else', () => {
    expect(webhookSignatureScheme({})).toBe('legacy');
    expect(
      webhookSignatureScheme({ webhook_signature_scheme: 'standard-webhooks' }),
    ).toBe('standard-webhooks');
    expect(() =>
      webhookSignatureScheme({ webhook_signature_scheme: 'hmac' }),
    ).toThrow(
      'webhook_signature_scheme must be one of legacy, standard-webhooks',
    );
  });
});
