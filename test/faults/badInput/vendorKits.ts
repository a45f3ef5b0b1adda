import { createHmac, randomBytes } from 'node:crypto';
import {
  JiraSimulator,
  PagerDutySimulator,
  ServiceNowSimulator,
} from '@itsm-sync-hub/simulators';
import { SignJWT } from 'jose';

/** A webhook as it travels: exact bytes and headers. */
export interface Delivery {
  rawBody: Buffer;
  headers: Record<string, string>;
}

/**
 * What the bad-input suite needs to know about one vendor: how to create its
 * integration, how to make the simulator send a real signed webhook, how a body is
 * signed with the right secret, and which headers carry the signature (to strip or forge).
 */
export interface VendorKit {
  type: 'servicenow' | 'jira' | 'pagerduty';
  secret: string;
  /** Strings that must never leak (the secret and the vendor credentials). */
  secrets: string[];
  signatureHeaders: string[];
  integrationBody(): Record<string, unknown>;
  /** Points the simulator's webhooks at the hub. */
  target(url: string): void;
  /** Makes the simulator send one real signed webhook; returns what it sent. */
  realWebhook(n: number): Promise<Delivery>;
  /** Valid signature headers for these bytes. */
  sign(rawBody: Buffer, path: string): Promise<Record<string, string>>;
  /** Headers that look like a signature but are not one for these bytes. */
  forge(
    rawBody: Buffer,
    path: string,
    variant: number,
  ): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

const hmac = (secret: string, body: Buffer, encoding: 'hex' | 'base64') =>
  createHmac('sha256', secret).update(body).digest(encoding);
const wrongSecret = () => `wrong-${randomBytes(8).toString('hex')}`;

export async function serviceNowKit(): Promise<VendorKit> {
  const secret = `snow-bad-input-${randomBytes(6).toString('hex')}`;
  const sim = await ServiceNowSimulator.start();
  const forgeries = [
    (b: Buffer) => hmac(wrongSecret(), b, 'base64'),
    (b: Buffer) => hmac(secret, Buffer.concat([b, Buffer.from(' ')]), 'base64'),
    (b: Buffer) => hmac(secret, b, 'base64').toLowerCase() + '=',
    () => randomBytes(32).toString('base64'),
    () => '',
    () => 'A'.repeat(4000),
    (b: Buffer) => `sha256=${hmac(wrongSecret(), b, 'hex')}`,
  ];
  return {
    type: 'servicenow',
    secret,
    secrets: [secret, sim.credentials.password!],
    signatureHeaders: ['x-servicenow-signature'],
    integrationBody: () => ({
      integration_type: 'servicenow',
      base_url: sim.baseUrl,
      credentials: {
        username: sim.credentials.username,
        password: sim.credentials.password,
      },
    }),
    target: url => sim.setWebhookTarget({ url, secret }),
    async realWebhook(n) {
      await sim.createAsPerson({
        short_description: `bad-input real ${n}`,
        urgency: '2',
        impact: '2',
      });
      const last = sim.lastWebhook()!;
      return { rawBody: last.rawBody, headers: last.headers };
    },
    sign: async body => ({
      'content-type': 'application/json',
      'x-servicenow-signature': hmac(secret, body, 'base64'),
    }),
    forge: async (body, _path, variant) => ({
      'content-type': 'application/json',
      'x-servicenow-signature': forgeries[variant % forgeries.length](body),
    }),
    stop: () => sim.stop(),
  };
}

export async function pagerDutyKit(): Promise<VendorKit> {
  const secret = `pd-bad-input-${randomBytes(6).toString('hex')}`;
  const sim = await PagerDutySimulator.start();
  const forgeries = [
    (b: Buffer) => `v1=${hmac(wrongSecret(), b, 'hex')}`,
    (b: Buffer) => `v0=${hmac(secret, b, 'hex')}`,
    (b: Buffer) => `v1=${hmac(secret, b, 'hex').slice(0, 63)}`,
    (b: Buffer) =>
      `v1=${hmac(secret, Buffer.concat([b, Buffer.from('\n')]), 'hex')}`,
    () =>
      `v1=${randomBytes(32).toString('hex')},v1=${randomBytes(32).toString('hex')}`,
    () => 'v1=',
    () => `${'v1=zz,'.repeat(500)}`,
  ];
  return {
    type: 'pagerduty',
    secret,
    secrets: [secret, sim.credentials.token],
    signatureHeaders: ['x-pagerduty-signature'],
    integrationBody: () => ({
      integration_type: 'pagerduty',
      base_url: sim.baseUrl,
      credentials: { token: sim.credentials.token },
      settings: {
        from_email: 'alice@example.com',
        default_service_id: 'PSVC001',
      },
    }),
    target: url => sim.setWebhookTarget({ url, secret }),
    async realWebhook(n) {
      await sim.trigger({ title: `bad-input real ${n}`, urgency: 'high' });
      const last = sim.lastWebhook()!;
      return { rawBody: last.rawBody, headers: last.headers };
    },
    sign: async body => ({
      'content-type': 'application/json',
      'x-pagerduty-signature': `v1=${hmac(secret, body, 'hex')}`,
    }),
    forge: async (body, _path, variant) => ({
      'content-type': 'application/json',
      'x-pagerduty-signature': forgeries[variant % forgeries.length](body),
      'x-webhook-id': randomBytes(8).toString('hex'),
    }),
    stop: () => sim.stop(),
  };
}

export async function jiraKit(): Promise<VendorKit> {
  const secret = `jira-bad-input-${randomBytes(6).toString('hex')}`;
  const sim = await JiraSimulator.start();
  const jwt = (
    key: string,
    claims: { exp?: number; iss?: string; qsh?: string; alg?: string } = {},
  ) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ qsh: claims.qsh ?? 'x'.repeat(64) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(claims.iss ?? sim.issuer)
      .setIssuedAt(now - 5)
      .setExpirationTime(claims.exp ?? now + 180)
      .sign(new TextEncoder().encode(key));
  };
  const b64 = (o: unknown) =>
    Buffer.from(JSON.stringify(o)).toString('base64url');
  const forgeries: Array<(b: Buffer) => Promise<Record<string, string>>> = [
    async b => ({
      'x-hub-signature': `sha256=${hmac(wrongSecret(), b, 'hex')}`,
    }),
    async b => ({ 'x-hub-signature': `sha1=${hmac(secret, b, 'hex')}` }),
    async () => ({ authorization: `JWT ${await jwt(wrongSecret())}` }),
    async () => ({
      authorization: `JWT ${await jwt(secret, { qsh: 'wrong' })}`,
    }),
    async () => ({
      authorization: `JWT ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: sim.issuer, exp: 9e9 })}.`,
    }),
    async () => ({
      authorization: `JWT ${await jwt(secret, { exp: Math.floor(Date.now() / 1000) - 3600 })}`,
    }),
    async () => ({ authorization: 'JWT not.a.jwt' }),
    async () => ({
      authorization: `Bearer ${randomBytes(20).toString('hex')}`,
    }),
  ];
  return {
    type: 'jira',
    secret,
    secrets: [secret, sim.credentials.api_token],
    signatureHeaders: ['x-hub-signature', 'authorization'],
    integrationBody: () => ({
      integration_type: 'jira',
      base_url: sim.baseUrl,
      credentials: sim.credentials,
      settings: {
        project_key: 'OPS',
        issue_type: 'Incident',
        jwt_issuer: sim.issuer,
      },
    }),
    target: url =>
      sim.setWebhookTarget({ url, secret, scheme: 'hmac', issuer: sim.issuer }),
    async realWebhook(n) {
      await sim.createAsPerson({
        project: { key: 'OPS' },
        issuetype: { name: 'Incident' },
        summary: `bad-input real ${n}`,
      });
      const last = sim.lastWebhook()!;
      return { rawBody: last.rawBody, headers: last.headers };
    },
    sign: async body => ({
      'content-type': 'application/json',
      'x-hub-signature': `sha256=${hmac(secret, body, 'hex')}`,
      'x-atlassian-webhook-identifier': randomBytes(8).toString('hex'),
    }),
    forge: async (body, _path, variant) => ({
      'content-type': 'application/json',
      'x-atlassian-webhook-identifier': randomBytes(8).toString('hex'),
      ...(await forgeries[variant % forgeries.length](body)),
    }),
    stop: () => sim.stop(),
  };
}
