import { createHmac } from 'node:crypto';
import { v1Signatures, verifyPagerDutyWebhook } from './verifyWebhook';

const body = Buffer.from(
  '{"event":{"id":"01ABC","event_type":"incident.acknowledged"}}',
);
const sign = (secret: string, raw = body) =>
  `v1=${createHmac('sha256', secret).update(raw).digest('hex')}`;
const request = (signature?: string, rawBody = body) => ({
  rawBody,
  method: 'POST',
  url: '/v1/webhooks/x',
  headers:
    signature === undefined ? {} : { 'x-pagerduty-signature': signature },
});

describe('PagerDuty webhook signatures', () => {
  it('accepts any configured secret against any of several signatures (rotation on both sides)', () => {
    const header = `${sign('brand-new-secret')}, ${sign('current-secret')}`;
    expect(verifyPagerDutyWebhook(['current-secret'], request(header))).toEqual(
      { ok: true },
    );
    expect(
      verifyPagerDutyWebhook(
        ['next-secret-x', 'brand-new-secret'],
        request(header),
      ),
    ).toEqual({ ok: true });
  });

  it('refuses a body changed after signing', () => {
    const tampered = Buffer.from(
      body.toString().replace('acknowledged', 'resolved'),
    );
    expect(
      verifyPagerDutyWebhook(
        ['current-secret'],
        request(sign('current-secret'), tampered),
      ),
    ).toMatchObject({ ok: false });
  });

  it('refuses a missing header, a header without v1 and a signature made with another secret', () => {
    expect(verifyPagerDutyWebhook(['current-secret'], request())).toEqual({
      ok: false,
      reason: 'missing X-PagerDuty-Signature header',
    });
    expect(
      verifyPagerDutyWebhook(['current-secret'], request('v0=abc')),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/no v1/) });
    expect(
      verifyPagerDutyWebhook(
        ['current-secret'],
        request(sign('rotated-out-secret')),
      ),
    ).toMatchObject({ ok: false });
    expect(
      verifyPagerDutyWebhook([], request(sign('current-secret'))),
    ).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no webhook signing secret/),
    });
  });

  it('reads only well-formed v1 signatures and never echoes a secret in a reason', () => {
    expect(
      v1Signatures(`v1=${'a'.repeat(64)},v2=${'b'.repeat(64)}, v1=short`),
    ).toEqual(['a'.repeat(64)]);
    const result = verifyPagerDutyWebhook(
      ['super-secret-value'],
      request(sign('other')),
    );
    expect(JSON.stringify(result)).not.toContain('super-secret-value');
  });
});
