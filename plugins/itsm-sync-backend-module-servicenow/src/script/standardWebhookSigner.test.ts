import { createHmac } from 'node:crypto';
import vm from 'node:vm';
import { verifyStandardWebhook } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { STANDARD_WEBHOOK_SIGNER_SCRIPT } from './standardWebhookSigner';

/** The Glide APIs the script calls, as ServiceNow documents them, over Node's crypto. */
function glideSandbox(nowMs: number) {
  const sent: { headers: Record<string, string>; body?: string } = {
    headers: {},
  };
  const sandbox = {
    Class: {
      create: () =>
        function signer(this: any, ...args: unknown[]) {
          this.initialize(...args);
        },
    },
    GlideStringUtil: {
      base64Encode: (text: string) =>
        Buffer.from(text, 'utf8').toString('base64'),
    },
    GlideDateTime: function GlideDateTime(this: any) {
      this.getNumericValue = () => nowMs;
    },
    GlideCertificateEncryption: function GlideCertificateEncryption(this: any) {
      this.generateMac = (
        keyBase64: string,
        algorithm: string,
        data: string,
      ) => {
        if (algorithm !== 'HmacSHA256')
          throw new Error(`unexpected algorithm ${algorithm}`);
        return createHmac('sha256', Buffer.from(keyBase64, 'base64'))
          .update(data, 'utf8')
          .digest('base64');
      };
    },
    request: {
      setRequestHeader: (name: string, value: string) => {
        sent.headers[name.toLowerCase()] = value;
      },
      setRequestBody: (body: string) => {
        sent.body = body;
      },
    },
  };
  return { sandbox, sent };
}

describe('the ServiceNow Standard Webhooks signer script', () => {
  const now = Date.parse('2026-12-04T22:00:00Z');
  const body = JSON.stringify({
    event_id: 'evt-1',
    sys_id: 'a'.repeat(32),
    state: '6',
    note: 'déjà vu',
  });

  it('signs a RESTMessageV2 so that the hub verifies it, with the event id as webhook-id', () => {
    const { sandbox, sent } = glideSandbox(now);
    vm.runInNewContext(
      `${STANDARD_WEBHOOK_SIGNER_SCRIPT}\nnew ItsmSyncWebhookSigner('s3cret-value').sign(request, 'evt-1', ${JSON.stringify(body)});`,
      sandbox,
    );
    expect(sent.body).toBe(body);
    expect(sent.headers['webhook-id']).toBe('evt-1');
    expect(sent.headers['webhook-timestamp']).toBe(String(now / 1000));
    const verified = verifyStandardWebhook(
      { headers: sent.headers, rawBody: Buffer.from(sent.body!, 'utf8') },
      ['s3cret-value'],
      { now: new Date(now) },
    );
    expect(verified).toEqual({ ok: true, id: 'evt-1', timestampMs: now });
  });

  it('is refused by the hub under another secret', () => {
    const { sandbox, sent } = glideSandbox(now);
    vm.runInNewContext(
      `${STANDARD_WEBHOOK_SIGNER_SCRIPT}\nnew ItsmSyncWebhookSigner('other').sign(request, 'evt-1', ${JSON.stringify(body)});`,
      sandbox,
    );
    expect(
      verifyStandardWebhook(
        { headers: sent.headers, rawBody: Buffer.from(body) },
        ['s3cret-value'],
        { now: new Date(now) },
      ),
    ).toMatchObject({ ok: false });
  });
});
