import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import type { WebhookRequest } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { queryStringHash } from './canonicalRequest';
import { verifyJiraWebhook } from './verifyWebhook';

const SECRET = 'connect-shared-secret-0001';
const OLD_SECRET = 'connect-shared-secret-0000';
const ISSUER = 'jira:client-key-1';
const URL_PATH = '/api/itsm-sync/v1/webhooks/jira-prod?user_id=abc&a=2&a=1';
const body = Buffer.from(JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { id: '10001' } }));

async function jwt(options: { secret?: string; iss?: string; qsh?: string; exp?: number; alg?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ qsh: options.qsh ?? queryStringHash('POST', URL_PATH) })
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .setIssuer(options.iss ?? ISSUER)
    .setIssuedAt(now - 10)
    .setExpirationTime(options.exp ?? now + 180)
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

function request(headers: Record<string, string>, overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return { rawBody: body, headers, method: 'POST', url: URL_PATH, ...overrides };
}

const hub = (secret: string, raw: Buffer = body) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
const keys = { secrets: [SECRET, OLD_SECRET], jwtIssuer: ISSUER };

describe('Jira admin webhook HMAC (X-Hub-Signature)', () => {
  it('accepts the signature of the raw body with the current or the previous secret', async () => {
    await expect(verifyJiraWebhook(request({ 'x-hub-signature': hub(SECRET) }), keys)).resolves.toEqual({ ok: true });
    await expect(verifyJiraWebhook(request({ 'x-hub-signature': hub(OLD_SECRET) }), keys)).resolves.toEqual({ ok: true });
  });

  it('refuses a wrong secret, a tampered body and a signature without the sha256= form', async () => {
    await expect(verifyJiraWebhook(request({ 'x-hub-signature': hub('some-other-secret') }), keys)).resolves.toMatchObject({
      ok: false,
      reason: 'X-Hub-Signature does not match the body',
    });
    const tampered = Buffer.from(body.toString().replace('10001', '10002'));
    await expect(
      verifyJiraWebhook(request({ 'x-hub-signature': hub(SECRET) }, { rawBody: tampered }), keys),
    ).resolves.toMatchObject({ ok: false });
    const bare = hub(SECRET).slice('sha256='.length);
    await expect(verifyJiraWebhook(request({ 'x-hub-signature': bare }), keys)).resolves.toMatchObject({
      ok: false,
      reason: expect.stringContaining('sha256=<hex>'),
    });
  });

  it('refuses everything when no secret is configured, and a request with no signature at all', async () => {
    await expect(verifyJiraWebhook(request({ 'x-hub-signature': hub(SECRET) }), { secrets: [] })).resolves.toMatchObject({
      ok: false,
      reason: expect.stringContaining('no webhook secret'),
    });
    await expect(verifyJiraWebhook(request({}), keys)).resolves.toMatchObject({
      ok: false,
      reason: 'neither X-Hub-Signature nor a Connect JWT is present',
    });
  });
});

describe('Jira Connect app webhook JWT', () => {
  it('accepts a token signed with the shared secret whose iss and qsh match, also after rotation', async () => {
    await expect(verifyJiraWebhook(request({ authorization: `JWT ${await jwt()}` }), keys)).resolves.toEqual({ ok: true });
    await expect(
      verifyJiraWebhook(request({ authorization: `JWT ${await jwt({ secret: OLD_SECRET })}` }), keys),
    ).resolves.toEqual({ ok: true });
  });

  it('accepts the token from the jwt query parameter, which qsh leaves out', async () => {
    const token = await jwt();
    await expect(verifyJiraWebhook(request({}, { url: `${URL_PATH}&jwt=${token}` }), keys)).resolves.toEqual({ ok: true });
  });

  it('refuses a wrong secret', async () => {
    const result = await verifyJiraWebhook(request({ authorization: `JWT ${await jwt({ secret: 'attacker-secret-123' })}` }), keys);
    expect(result).toEqual({ ok: false, reason: 'JWT signature does not match' });
  });

  it('refuses a qsh of another request (other path, other query, other method)', async () => {
    for (const qsh of [
      queryStringHash('POST', '/api/itsm-sync/v1/webhooks/other?user_id=abc&a=1&a=2'),
      queryStringHash('POST', '/api/itsm-sync/v1/webhooks/jira-prod?user_id=xyz&a=1&a=2'),
      queryStringHash('GET', URL_PATH),
      'not-a-hash',
    ]) {
      const result = await verifyJiraWebhook(request({ authorization: `JWT ${await jwt({ qsh })}` }), keys);
      expect(result).toEqual({ ok: false, reason: 'JWT qsh does not match this request' });
    }
  });

  it('refuses an expired token', async () => {
    const result = await verifyJiraWebhook(
      request({ authorization: `JWT ${await jwt({ exp: Math.floor(Date.now() / 1000) - 600 })}` }),
      keys,
    );
    expect(result).toEqual({ ok: false, reason: 'JWT has expired' });
  });

  it('refuses a token from another Jira site (wrong iss), and any JWT when no issuer is configured', async () => {
    const wrongIss = await verifyJiraWebhook(request({ authorization: `JWT ${await jwt({ iss: 'jira:someone-else' })}` }), keys);
    expect(wrongIss).toEqual({ ok: false, reason: 'JWT iss is not the configured Jira clientKey' });
    const unconfigured = await verifyJiraWebhook(request({ authorization: `JWT ${await jwt()}` }), { secrets: [SECRET] });
    expect(unconfigured).toMatchObject({ ok: false, reason: expect.stringContaining('jwt_issuer') });
  });

  it('refuses other algorithms and malformed tokens', async () => {
    const hs512 = await jwt({ alg: 'HS512' });
    await expect(verifyJiraWebhook(request({ authorization: `JWT ${hs512}` }), keys)).resolves.toEqual({
      ok: false,
      reason: 'JWT algorithm must be HS256',
    });
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"iss":"x"}').toString('base64url')}.`;
    await expect(verifyJiraWebhook(request({ authorization: `JWT ${unsigned}` }), keys)).resolves.toMatchObject({ ok: false });
    await expect(verifyJiraWebhook(request({ authorization: 'JWT not.a.token' }), keys)).resolves.toMatchObject({ ok: false });
  });

  it('computes qsh relative to a configured Connect base path', async () => {
    const token = await jwt({ qsh: queryStringHash('POST', '/v1/webhooks/jira-prod?user_id=abc&a=1&a=2') });
    const withBase = await verifyJiraWebhook(request({ authorization: `JWT ${token}` }), { ...keys, jwtBasePath: '/api/itsm-sync' });
    expect(withBase).toEqual({ ok: true });
    const withoutBase = await verifyJiraWebhook(request({ authorization: `JWT ${token}` }), keys);
    expect(withoutBase.ok).toBe(false);
  });
});
