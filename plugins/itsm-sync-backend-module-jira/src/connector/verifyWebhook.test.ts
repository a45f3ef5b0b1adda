import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import type {
  ReplayGuard,
  WebhookRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { queryStringHash } from './canonicalRequest';
import { verifyJiraWebhook } from './verifyWebhook';

const SECRET = 'connect-shared-secret-0001';
const OLD_SECRET = 'connect-shared-secret-0000';
const ISSUER = 'jira:client-key-1';
const URL_PATH = '/api/itsm-sync/v1/webhooks/jira-prod?user_id=abc&a=2&a=1';
const body = Buffer.from(
  JSON.stringify({
    webhookEvent: 'jira:issue_updated',
    issue: { id: '10001' },
  }),
);

async function jwt(
  options: {
    secret?: string;
    iss?: string;
    qsh?: string;
    exp?: number;
    alg?: string;
    iat?: number;
  } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ qsh: options.qsh ?? queryStringHash('POST', URL_PATH) })
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .setIssuer(options.iss ?? ISSUER)
    .setIssuedAt(options.iat ?? now - 10)
    .setExpirationTime(options.exp ?? now + 180)
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

function request(
  headers: Record<string, string>,
  overrides: Partial<WebhookRequest> = {},
): WebhookRequest {
  return {
    rawBody: body,
    headers,
    method: 'POST',
    url: URL_PATH,
    ...overrides,
  };
}

const hub = (secret: string, raw: Buffer = body) =>
  `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
/** A replay cache in memory, with what it was asked to remember. */
function memoryReplays(): ReplayGuard & { keys: Map<string, number> } {
  const keys = new Map<string, number>();
  return {
    keys,
    async firstUse(key, expiresAt) {
      if (keys.has(key)) return false;
      keys.set(key, expiresAt);
      return true;
    },
  };
}
// A fresh replay cache for each verification, unless a test shares one on purpose.
const keys = {
  secrets: [SECRET, OLD_SECRET],
  jwtIssuer: ISSUER,
  get replays() {
    return memoryReplays();
  },
};

describe('Jira admin webhook HMAC (X-Hub-Signature)', () => {
  it('accepts the signature of the raw body with the current or the previous secret', async () => {
    await expect(
      verifyJiraWebhook(request({ 'x-hub-signature': hub(SECRET) }), keys),
    ).resolves.toEqual({ ok: true });
    await expect(
      verifyJiraWebhook(request({ 'x-hub-signature': hub(OLD_SECRET) }), keys),
    ).resolves.toEqual({ ok: true });
  });

  it('refuses a wrong secret, a tampered body and a signature without the sha256= form', async () => {
    await expect(
      verifyJiraWebhook(
        request({ 'x-hub-signature': hub('some-other-secret') }),
        keys,
      ),
    ).resolves.toMatchObject({
      ok: false,
      reason: 'X-Hub-Signature does not match the body',
    });
    const tampered = Buffer.from(body.toString().replace('10001', '10002'));
    await expect(
      verifyJiraWebhook(
        request({ 'x-hub-signature': hub(SECRET) }, { rawBody: tampered }),
        keys,
      ),
    ).resolves.toMatchObject({ ok: false });
    const bare = hub(SECRET).slice('sha256='.length);
    await expect(
      verifyJiraWebhook(request({ 'x-hub-signature': bare }), keys),
    ).resolves.toMatchObject({
      ok: false,
      reason: expect.stringContaining('sha256=<hex>'),
    });
  });

  it('refuses everything when no secret is configured, and a request with no signature at all', async () => {
    await expect(
      verifyJiraWebhook(request({ 'x-hub-signature': hub(SECRET) }), {
        secrets: [],
      }),
    ).resolves.toMatchObject({
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
    await expect(
      verifyJiraWebhook(request({ authorization: `JWT ${await jwt()}` }), keys),
    ).resolves.toEqual({ ok: true });
    await expect(
      verifyJiraWebhook(
        request({ authorization: `JWT ${await jwt({ secret: OLD_SECRET })}` }),
        keys,
      ),
    ).resolves.toEqual({ ok: true });
  });

  it('refuses a token in the jwt query parameter: only the Authorization header is read', async () => {
    const token = await jwt();
    await expect(
      verifyJiraWebhook(request({}, { url: `${URL_PATH}&jwt=${token}` }), keys),
    ).resolves.toEqual({
      ok: false,
      reason:
        'a JWT in the query string is not accepted; send it in the Authorization header',
    });
  });

  it('accepts each token once until it expires: the same delivery again is refused, and the cache holds hashes, not the token', async () => {
    const replays = memoryReplays();
    const token = await jwt();
    const shared = { ...keys, replays };
    await expect(
      verifyJiraWebhook(request({ authorization: `JWT ${token}` }), shared),
    ).resolves.toEqual({ ok: true });
    await expect(
      verifyJiraWebhook(request({ authorization: `JWT ${token}` }), shared),
    ).resolves.toEqual({
      ok: false,
      reason: 'JWT was already used (a replay)',
    });
    const exp = JSON.parse(
      Buffer.from(token.split('.')[1], 'base64url').toString(),
    ).exp;
    for (const [key, expiresAt] of replays.keys) {
      expect(key).toMatch(/^jira-jwt(-body)?:[0-9a-f]{64}$/);
      // The replay key column holds 120 characters.
      expect(key.length).toBeLessThanOrEqual(120);
      expect(key).not.toContain(token.split('.')[2]);
      expect(expiresAt).toBe((exp + 30) * 1000);
    }
  });

  it('refuses a used token carrying another body once the burst after its iat is over (a forged body)', async () => {
    const replays = memoryReplays();
    const now = Math.floor(Date.now() / 1000);
    const token = await jwt({ iat: now - 60 });
    const shared = { ...keys, replays };
    await expect(
      verifyJiraWebhook(request({ authorization: `JWT ${token}` }), shared),
    ).resolves.toEqual({ ok: true });
    const forged = Buffer.from(
      JSON.stringify({
        webhookEvent: 'jira:issue_updated',
        issue: { id: '10002' },
      }),
    );
    await expect(
      verifyJiraWebhook(
        request({ authorization: `JWT ${token}` }, { rawBody: forged }),
        shared,
      ),
    ).resolves.toEqual({
      ok: false,
      reason: 'JWT was already used for another delivery (a replay)',
    });
  });

  it('accepts the one token Jira signs a burst of deliveries with (same second, same URL) for each of their bodies', async () => {
    const replays = memoryReplays();
    const token = await jwt({ iat: Math.floor(Date.now() / 1000) });
    const shared = { ...keys, replays };
    const second = Buffer.from(
      JSON.stringify({
        webhookEvent: 'comment_created',
        issue: { id: '10001' },
      }),
    );
    await expect(
      verifyJiraWebhook(request({ authorization: `JWT ${token}` }), shared),
    ).resolves.toEqual({ ok: true });
    await expect(
      verifyJiraWebhook(
        request({ authorization: `JWT ${token}` }, { rawBody: second }),
        shared,
      ),
    ).resolves.toEqual({ ok: true });
    await expect(
      verifyJiraWebhook(
        request({ authorization: `JWT ${token}` }, { rawBody: second }),
        shared,
      ),
    ).resolves.toMatchObject({ ok: false });
  });

  it('does not spend a token on a request it refuses for another reason', async () => {
    const replays = memoryReplays();
    await verifyJiraWebhook(
      request({ authorization: `JWT ${await jwt({ qsh: 'not-a-hash' })}` }),
      { ...keys, replays },
    );
    expect(replays.keys.size).toBe(0);
  });

  it('refuses a token older than the maximum token age, even when it has not expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = await jwt({ iat: now - 400, exp: now + 3600 });
    await expect(
      verifyJiraWebhook(request({ authorization: `JWT ${old}` }), keys),
    ).resolves.toEqual({
      ok: false,
      reason: 'JWT is older than the maximum token age',
    });
    await expect(
      verifyJiraWebhook(request({ authorization: `JWT ${old}` }), {
        ...keys,
        maxTokenAgeSeconds: 600,
      }),
    ).resolves.toEqual({ ok: true });
  });

  it('refuses a JWT when no replay cache is given', async () => {
    const result = await verifyJiraWebhook(
      request({ authorization: `JWT ${await jwt()}` }),
      { secrets: [SECRET], jwtIssuer: ISSUER },
    );
    expect(result).toEqual({
      ok: false,
      reason: 'JWTs cannot be accepted: no replay cache is available',
    });
  });

  it('refuses a wrong secret', async () => {
    const result = await verifyJiraWebhook(
      request({
        authorization: `JWT ${await jwt({ secret: 'attacker-secret-123' })}`,
      }),
      keys,
    );
    expect(result).toEqual({
      ok: false,
      reason: 'JWT signature does not match',
    });
  });

  it('refuses a qsh of another request (other path, other query, other method)', async () => {
    for (const qsh of [
      queryStringHash(
        'POST',
        '/api/itsm-sync/v1/webhooks/other?user_id=abc&a=1&a=2',
      ),
      queryStringHash(
        'POST',
        '/api/itsm-sync/v1/webhooks/jira-prod?user_id=xyz&a=1&a=2',
      ),
      queryStringHash('GET', URL_PATH),
      'not-a-hash',
    ]) {
      const result = await verifyJiraWebhook(
        request({ authorization: `JWT ${await jwt({ qsh })}` }),
        keys,
      );
      expect(result).toEqual({
        ok: false,
        reason: 'JWT qsh does not match this request',
      });
    }
  });

  it('refuses an expired token', async () => {
    const result = await verifyJiraWebhook(
      request({
        authorization: `JWT ${await jwt({ exp: Math.floor(Date.now() / 1000) - 600 })}`,
      }),
      keys,
    );
    expect(result).toEqual({ ok: false, reason: 'JWT has expired' });
  });

  it('refuses a token from another Jira site (wrong iss), and any JWT when no issuer is configured', async () => {
    const wrongIss = await verifyJiraWebhook(
      request({
        authorization: `JWT ${await jwt({ iss: 'jira:someone-else' })}`,
      }),
      keys,
    );
    expect(wrongIss).toEqual({
      ok: false,
      reason: 'JWT iss is not the configured Jira clientKey',
    });
    const unconfigured = await verifyJiraWebhook(
      request({ authorization: `JWT ${await jwt()}` }),
      { secrets: [SECRET] },
    );
    expect(unconfigured).toMatchObject({
      ok: false,
      reason: expect.stringContaining('jwt_issuer'),
    });
  });

  it('refuses other algorithms and malformed tokens', async () => {
    const hs512 = await jwt({ alg: 'HS512' });
    await expect(
      verifyJiraWebhook(request({ authorization: `JWT ${hs512}` }), keys),
    ).resolves.toEqual({
      ok: false,
      reason: 'JWT algorithm must be HS256',
    });
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"iss":"x"}').toString('base64url')}.`;
    await expect(
      verifyJiraWebhook(request({ authorization: `JWT ${unsigned}` }), keys),
    ).resolves.toMatchObject({ ok: false });
    await expect(
      verifyJiraWebhook(request({ authorization: 'JWT not.a.token' }), keys),
    ).resolves.toMatchObject({ ok: false });
  });

  it('computes qsh relative to a configured Connect base path', async () => {
    const token = await jwt({
      qsh: queryStringHash(
        'POST',
        '/v1/webhooks/jira-prod?user_id=abc&a=1&a=2',
      ),
    });
    const withBase = await verifyJiraWebhook(
      request({ authorization: `JWT ${token}` }),
      { ...keys, jwtBasePath: '/api/itsm-sync' },
    );
    expect(withBase).toEqual({ ok: true });
    const withoutBase = await verifyJiraWebhook(
      request({ authorization: `JWT ${token}` }),
      keys,
    );
    expect(withoutBase.ok).toBe(false);
  });
});
