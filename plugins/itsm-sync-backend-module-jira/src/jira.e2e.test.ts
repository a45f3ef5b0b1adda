import { eventually as pollUntil, jsonApi, type EventualCheck, testOutboundConfig } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
import { JIRA_AGENTS, JiraSimulator, jiraQueryStringHash } from '@itsm-sync-hub/simulators';
import { SignJWT } from 'jose';
import itsmSyncModuleJira from './index';

jest.setTimeout(60_000);

const SECRET = 'jira-connect-shared-secret-1';

const eventually = <T,>(check: EventualCheck<T>, what: string, timeoutMs = 8000) => pollUntil(check, what, timeoutMs);

describe('Jira connector on the in-process backend', () => {
  let sim: JiraSimulator;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let baseUrl: string;
  let integration: { id: string; name: string };
  let webhookPath: string;
  /** The hub's answer to the integration's creation, as JSON; checked in a test of its own. */
  let creationAnswer: string;

  const api = jsonApi(() => `${baseUrl}/api/itsm-sync`);

  /** Posts a webhook to the hub as Jira would, with exactly these bytes and headers. */
  async function postWebhook(rawBody: Buffer, headers: Record<string, string>, path = webhookPath) {
    const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: rawBody });
    return { status: res.status, body: await res.json().catch(() => undefined) };
  }

  async function jwt(options: { secret?: string; qsh?: string; exp?: number; iss?: string } = {}) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ qsh: options.qsh ?? jiraQueryStringHash('POST', webhookPath) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(options.iss ?? sim.issuer)
      .setIssuedAt(now - 5)
      .setExpirationTime(options.exp ?? now + 180)
      .sign(new TextEncoder().encode(options.secret ?? SECRET));
  }

  async function linkedIssueId(incidentId: string): Promise<string> {
    const link = await eventually(async () => {
      const res = await api('GET', `/v1/incidents/${incidentId}`);
      return res.body.links?.[0]?.external_id ? res.body.links[0] : undefined;
    }, 'the Jira issue to be created');
    return link.external_id;
  }

  beforeAll(async () => {
    sim = await JiraSimulator.start({ webhook: { secret: SECRET, scheme: 'jwt' } });
    backend = await startTestBackend({
      features: [
        itsmSyncPlugin,
        itsmSyncModuleJira,
        mockServices.rootConfig.factory({
          data: { itsmSync: { encryption: { key: '2e'.repeat(32) }, dispatcher: { pollIntervalMs: 50 }, outbound: testOutboundConfig } },
        }),
      ],
    });
    baseUrl = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}`;
    const created = await api('POST', '/v1/integrations', {
      organization_id: 'acme-corp',
      integration_type: 'jira',
      name: 'jira-prod',
      base_url: sim.baseUrl,
      credentials: sim.credentials,
      webhook_secrets: [SECRET],
      settings: { project_key: 'OPS', issue_type: 'Incident', jwt_issuer: sim.issuer },
    });
    if (created.status !== 201) throw new Error(`integration not created: ${JSON.stringify(created.body)}`);
    creationAnswer = JSON.stringify(created.body);
    integration = created.body;
    webhookPath = `/api/itsm-sync/v1/webhooks/${integration.id}`;
    sim.setWebhookTarget({ url: `${baseUrl}${webhookPath}`, secret: SECRET, scheme: 'jwt', issuer: sim.issuer });
  });

  afterAll(async () => {
    await backend?.stop();
    await sim?.stop();
  });

  it('keeps the API token out of the integration it answers the creation with', () => {
    expect(creationAnswer).not.toContain(sim.credentials.api_token);
  });

  it('refuses settings without a valid project key, naming it', async () => {
    const res = await api('POST', '/v1/integrations', {
      organization_id: 'acme-corp',
      integration_type: 'jira',
      name: 'jira-bad',
      base_url: sim.baseUrl,
      credentials: sim.credentials,
      settings: { project_key: 'ops' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/project_key 'ops' must be an upper-case Jira project key/);
  });

  it('seeds the spec 000 Jira ownership and passes the connectivity test', async () => {
    const rules = await api('GET', `/v1/integrations/${integration.id}/field-ownership`);
    const byField = Object.fromEntries((rules.body.items ?? rules.body).map((r: any) => [r.field, r.owner]));
    expect(byField).toMatchObject({ severity: 'platform', priority: 'platform', assignee: 'external', comments: 'external' });
    const test = await api('POST', `/v1/integrations/${integration.id}/test`);
    expect(test.status).toBe(200);
    expect(JSON.stringify(test.body)).toMatch(/Sync Bot/);
  });

  it('creates the issue, then changes its status only through workflow transitions', async () => {
    const incident = (await api('POST', '/v1/incidents', {
      title: 'Checkout p99 above 2 s',
      description: 'since 10:02 UTC\nrollback pending',
      severity: 'SEV-1',
      integrations: [integration.name],
    })).body;
    const issueId = await linkedIssueId(incident.id);
    const issue = sim.issue(issueId)!;
    expect(issue).toMatchObject({ summary: 'Checkout p99 above 2 s', priority: 'Highest', status: 'To Do', issueType: 'Incident' });
    expect(issue.labels).toEqual([expect.stringMatching(/^itsm-sync-itsm-/)]);
    expect(issue.key).toMatch(/^OPS-\d+$/);

    const patched = await api('PATCH', `/v1/incidents/${incident.id}`, { status: 'resolved' });
    expect(patched.status).toBe(200);
    await eventually(async () => sim.issue(issueId)!.status === 'Resolved', 'the issue to reach Resolved');
    const calls = sim.server.calls.filter(c => c.path.startsWith(`/rest/api/3/issue/${issueId}`));
    const transitions = calls.filter(c => c.method === 'POST' && c.path.endsWith('/transitions')).map(c => (c.body as any).transition.id);
    expect(transitions).toEqual(['11', '41']);
    expect(calls.filter(c => c.method === 'PUT').every(c => !('status' in ((c.body as any).fields ?? {})))).toBe(true);
  });

  it('syncs comments both ways and applies a person\'s transition, but not a platform-owned priority', async () => {
    const incident = (await api('POST', '/v1/incidents', { title: 'Payments 502s', severity: 'SEV-2', integrations: [integration.name] })).body;
    const issueId = await linkedIssueId(incident.id);

    // Jira -> hub: a person comments; the simulator delivers comment_created signed with a Connect JWT.
    await sim.commentAsPerson(issueId, 'Rolled back payments-api 4.2.1', JIRA_AGENTS[1].accountId);
    expect(sim.webhooks.deliveries.at(-1)?.status).toBe(200);
    await eventually(async () => {
      const timeline = (await api('GET', `/v1/incidents/${incident.id}/timeline`)).body.items as any[];
      return timeline.some(e => e.kind === 'note' && e.text === 'Rolled back payments-api 4.2.1');
    }, 'the Jira comment on the incident timeline');

    // A person moves the issue to Mitigated (two transitions, two webhooks).
    await sim.transitionAsPerson(issueId, 'Mitigated');
    await eventually(async () => (await api('GET', `/v1/incidents/${incident.id}`)).body.status === 'mitigated', 'status mitigated');

    // Priority is platform-owned (spec 000 Jira defaults): accepted, but not applied. The
    // incident was created a moment ago, so under last-write-wins this edit would count as a
    // simultaneous edit (spec 000: ownership then yields); a zero window isolates ownership.
    expect((await api('PATCH', `/v1/integrations/${integration.id}`, { conflict_window_seconds: 0 })).status).toBe(200);
    try {
      await sim.editAsPerson(issueId, { priority: 'Low' });
      expect(sim.webhooks.deliveries.at(-1)?.status).toBe(200);
      expect(sim.issue(issueId)!.priority).toBe('Low');
      expect((await api('GET', `/v1/incidents/${incident.id}`)).body.severity).toBe('SEV-2');
    } finally {
      await api('PATCH', `/v1/integrations/${integration.id}`, { conflict_window_seconds: 5 });
    }

    // Hub -> Jira: comments are Jira-owned by default; hand them to the platform, then add a note.
    const rule = await api('PUT', `/v1/integrations/${integration.id}/field-ownership/comments`, { owner: 'platform', priority: 5 });
    expect(rule.status).toBe(200);
    const note = await api('POST', `/v1/incidents/${incident.id}/notes`, { text: 'Customer comms sent' });
    expect(note.status).toBe(201);
    await eventually(async () => sim.commentTexts(issueId).some(t => t.startsWith('Customer comms sent')), 'the note as a Jira comment');
    const comment = sim.issue(issueId)!.comments.at(-1)!;
    expect(comment.body.type).toBe('doc');
  });

  it('refuses a forged JWT (wrong secret, wrong qsh, expired, wrong iss) and a wrong HMAC with 401', async () => {
    const incident = (await api('POST', '/v1/incidents', { title: 'Forgery target', severity: 'SEV-3', integrations: [integration.name] })).body;
    const issueId = await linkedIssueId(incident.id);
    const payload = Buffer.from(JSON.stringify({
      timestamp: Date.now(),
      webhookEvent: 'jira:issue_updated',
      user: { accountId: 'attacker', displayName: 'Mallory' },
      issue: { id: issueId, key: sim.issue(issueId)!.key, fields: {} },
      changelog: { id: '1', items: [{ field: 'summary', fieldId: 'summary', fromString: 'Forgery target', toString: 'pwned' }] },
    }));
    const jsonHeaders = { 'content-type': 'application/json' };
    const forged: Array<[string, Record<string, string>]> = [
      ['wrong secret', { authorization: `JWT ${await jwt({ secret: 'not-the-shared-secret' })}` }],
      ['wrong qsh', { authorization: `JWT ${await jwt({ qsh: jiraQueryStringHash('POST', '/api/itsm-sync/v1/webhooks/other') })}` }],
      ['expired', { authorization: `JWT ${await jwt({ exp: Math.floor(Date.now() / 1000) - 300 })}` }],
      ['wrong iss', { authorization: `JWT ${await jwt({ iss: 'another-jira-site' })}` }],
      ['wrong HMAC', { authorization: mockCredentials.none.header(), 'x-hub-signature': `sha256=${createHmac('sha256', 'wrong-secret').update(payload).digest('hex')}` }],
      ['no signature', { authorization: mockCredentials.none.header() }],
    ];
    for (const [what, headers] of forged) {
      const res = await postWebhook(payload, { ...jsonHeaders, ...headers, 'x-atlassian-webhook-identifier': `forged-${what}` });
      expect({ what, status: res.status }).toEqual({ what, status: 401 });
    }
    expect((await api('GET', `/v1/incidents/${incident.id}`)).body.title).toBe('Forgery target');

    // The same bytes, properly signed either way, are accepted.
    const viaJwt = await postWebhook(payload, { ...jsonHeaders, authorization: `JWT ${await jwt()}`, 'x-atlassian-webhook-identifier': 'genuine-jwt' });
    expect(viaJwt.status).toBe(200);
    const viaHmac = await postWebhook(payload, {
      ...jsonHeaders,
      authorization: mockCredentials.none.header(),
      'x-hub-signature': `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}`,
      'x-atlassian-webhook-identifier': 'genuine-hmac',
    });
    expect(viaHmac.status).toBe(200);
    expect(viaHmac.body).toMatchObject({ status: 'accepted', duplicates: 0 });
  });
});
