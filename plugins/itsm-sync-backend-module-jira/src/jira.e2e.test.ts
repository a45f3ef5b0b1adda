import {
  eventually as pollUntil,
  jsonApi,
  type EventualCheck,
  testOutboundConfig,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
import {
  deliverEveryJiraEvent,
  JIRA_AGENTS,
  JiraSimulator,
  jiraQueryStringHash,
} from '@itsm-sync-hub/simulators';
import {
  ACTED_ON_JIRA_EVENTS,
  ignoredJiraEventReason,
} from './connector/parseWebhook';
import { SignJWT } from 'jose';
import itsmSyncModuleJira from './index';

jest.setTimeout(60_000);

const SECRET = 'jira-connect-shared-secret-1';

const eventually = <T>(
  check: EventualCheck<T>,
  what: string,
  timeoutMs = 8000,
) => pollUntil(check, what, timeoutMs);

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
  async function postWebhook(
    rawBody: Buffer,
    headers: Record<string, string>,
    path = webhookPath,
  ) {
    const res = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers,
      body: rawBody,
    });
    return {
      status: res.status,
      body: await res.json().catch(() => undefined),
    };
  }

  async function jwt(
    options: {
      secret?: string;
      qsh?: string;
      exp?: number;
      iss?: string;
      iat?: number;
    } = {},
  ) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      qsh: options.qsh ?? jiraQueryStringHash('POST', webhookPath),
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(options.iss ?? sim.issuer)
      .setIssuedAt(options.iat ?? now - 5)
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
    sim = await JiraSimulator.start({
      webhook: { secret: SECRET, scheme: 'jwt' },
      projects: ['OPS', 'DEV'],
    });
    backend = await startTestBackend({
      features: [
        itsmSyncPlugin,
        itsmSyncModuleJira,
        mockServices.rootConfig.factory({
          data: {
            itsmSync: {
              encryption: { key: '2e'.repeat(32) },
              dispatcher: { pollIntervalMs: 50 },
              outbound: testOutboundConfig,
            },
          },
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
      settings: {
        project_key: 'OPS',
        issue_type: 'Incident',
        jwt_issuer: sim.issuer,
      },
    });
    if (created.status !== 201)
      throw new Error(
        `integration not created: ${JSON.stringify(created.body)}`,
      );
    creationAnswer = JSON.stringify(created.body);
    integration = created.body;
    webhookPath = `/api/itsm-sync/v1/webhooks/${integration.id}`;
    sim.setWebhookTarget({
      url: `${baseUrl}${webhookPath}`,
      secret: SECRET,
      scheme: 'jwt',
      issuer: sim.issuer,
    });
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
    expect(res.body.error.message).toMatch(
      /project_key 'ops' must be an upper-case Jira project key/,
    );
  });

  it('seeds the default Jira ownership and passes the connectivity test', async () => {
    const rules = await api(
      'GET',
      `/v1/integrations/${integration.id}/field-ownership`,
    );
    const byField = Object.fromEntries(
      (rules.body.items ?? rules.body).map((r: any) => [r.field, r.owner]),
    );
    expect(byField).toMatchObject({
      severity: 'platform',
      priority: 'platform',
      assignee: 'external',
      comments: 'external',
    });
    const test = await api('POST', `/v1/integrations/${integration.id}/test`);
    expect(test.status).toBe(200);
    expect(JSON.stringify(test.body)).toMatch(/Sync Bot/);
  });

  it('creates the issue, then changes its status only through workflow transitions', async () => {
    const incident = (
      await api('POST', '/v1/incidents', {
        title: 'Checkout p99 above 2 s',
        description: 'since 10:02 UTC\nrollback pending',
        severity: 'SEV-1',
        integrations: [integration.name],
      })
    ).body;
    const issueId = await linkedIssueId(incident.id);
    const issue = sim.issue(issueId)!;
    expect(issue).toMatchObject({
      summary: 'Checkout p99 above 2 s',
      priority: 'Highest',
      status: 'To Do',
      issueType: 'Incident',
    });
    expect(issue.labels).toEqual([expect.stringMatching(/^itsm-sync-itsm-/)]);
    expect(issue.key).toMatch(/^OPS-\d+$/);

    const patched = await api('PATCH', `/v1/incidents/${incident.id}`, {
      status: 'resolved',
    });
    expect(patched.status).toBe(200);
    await eventually(
      async () => sim.issue(issueId)!.status === 'Resolved',
      'the issue to reach Resolved',
    );
    const calls = sim.server.calls.filter(c =>
      c.path.startsWith(`/rest/api/3/issue/${issueId}`),
    );
    const transitions = calls
      .filter(c => c.method === 'POST' && c.path.endsWith('/transitions'))
      .map(c => (c.body as any).transition.id);
    expect(transitions).toEqual(['11', '41']);
    expect(
      calls
        .filter(c => c.method === 'PUT')
        .every(c => !('status' in ((c.body as any).fields ?? {}))),
    ).toBe(true);
  });

  it("syncs comments both ways and applies a person's transition, but not a platform-owned priority", async () => {
    const incident = (
      await api('POST', '/v1/incidents', {
        title: 'Payments 502s',
        severity: 'SEV-2',
        integrations: [integration.name],
      })
    ).body;
    const issueId = await linkedIssueId(incident.id);

    // Jira -> hub: a person comments; the simulator delivers comment_created signed with a Connect JWT.
    await sim.commentAsPerson(
      issueId,
      'Rolled back payments-api 4.2.1',
      JIRA_AGENTS[1].accountId,
    );
    expect(sim.webhooks.deliveries.at(-1)?.status).toBe(200);
    await eventually(async () => {
      const timeline = (
        await api('GET', `/v1/incidents/${incident.id}/timeline`)
      ).body.items as any[];
      return timeline.some(
        e => e.kind === 'note' && e.text === 'Rolled back payments-api 4.2.1',
      );
    }, 'the Jira comment on the incident timeline');

    // A person moves the issue to Mitigated (two transitions, two webhooks).
    await sim.transitionAsPerson(issueId, 'Mitigated');
    await eventually(
      async () =>
        (await api('GET', `/v1/incidents/${incident.id}`)).body.status ===
        'mitigated',
      'status mitigated',
    );

    // Priority is platform-owned (the Jira defaults): accepted, but not applied. The
    // incident was created a moment ago, so under last-write-wins this edit would count as a
    // simultaneous edit (ownership then yields); a zero window isolates ownership.
    expect(
      (
        await api('PATCH', `/v1/integrations/${integration.id}`, {
          conflict_window_seconds: 0,
        })
      ).status,
    ).toBe(200);
    try {
      await sim.editAsPerson(issueId, { priority: 'Low' });
      expect(sim.webhooks.deliveries.at(-1)?.status).toBe(200);
      expect(sim.issue(issueId)!.priority).toBe('Low');
      expect(
        (await api('GET', `/v1/incidents/${incident.id}`)).body.severity,
      ).toBe('SEV-2');
    } finally {
      await api('PATCH', `/v1/integrations/${integration.id}`, {
        conflict_window_seconds: 5,
      });
    }

    // Hub -> Jira: comments are Jira-owned by default; hand them to the platform, then add a note.
    const rule = await api(
      'PUT',
      `/v1/integrations/${integration.id}/field-ownership/comments`,
      { owner: 'platform', priority: 5 },
    );
    expect(rule.status).toBe(200);
    const note = await api('POST', `/v1/incidents/${incident.id}/notes`, {
      text: 'Customer comms sent',
    });
    expect(note.status).toBe(201);
    await eventually(
      async () =>
        sim
          .commentTexts(issueId)
          // Where and by whom the note was written come first.
          .some(t => /^Backstage · .+: Customer comms sent$/.test(t)),
      'the note as a Jira comment',
    );
    const comment = sim.issue(issueId)!.comments.at(-1)!;
    expect(comment.body.type).toBe('doc');
  });

  const timelineOf = async (incidentId: string) =>
    (await api('GET', `/v1/incidents/${incidentId}/timeline`)).body
      .items as Array<{ kind: string; text: string }>;
  const incidentTitled = async (title: string) =>
    ((await api('GET', '/v1/incidents')).body.items as any[]).find(
      i => i.title === title,
    );
  const ignoredEvents = async () =>
    (await api('GET', `/v1/integrations/${integration.id}/sync-status`)).body
      .ignored_events as any[];

  /** Comments as the Jira defaults have them: owned by Jira, so they come in (a test above hands them to the platform). */
  const commentsOwnedByJira = async () =>
    expect(
      (
        await api(
          'PUT',
          `/v1/integrations/${integration.id}/field-ownership/comments`,
          { owner: 'external', priority: 5 },
        )
      ).status,
    ).toBe(200);

  it('brings comment edits and deletions to the incident timeline, once each though Jira sends each twice', async () => {
    await commentsOwnedByJira();
    const incident = (
      await api('POST', '/v1/incidents', {
        title: 'Queue consumers stalled',
        severity: 'SEV-2',
        integrations: [integration.name],
      })
    ).body;
    const issueId = await linkedIssueId(incident.id);
    const agent = JIRA_AGENTS[1];
    await sim.commentAsPerson(issueId, 'Restarting consumers', agent.accountId);
    const commentId = sim.issue(issueId)!.comments.at(-1)!.id;
    await sim.editCommentAsPerson(
      issueId,
      commentId,
      'Restarting consumers on node 3',
      agent.accountId,
    );
    await sim.deleteCommentAsPerson(issueId, commentId, agent.accountId);
    expect(sim.webhooks.deliveries.slice(-6).map(d => d.status)).toEqual([
      200, 200, 200, 200, 200, 200,
    ]);
    const expected = [
      'Restarting consumers',
      'Comment edited in Jira: Restarting consumers on node 3',
      `A comment by ${agent.displayName} was deleted in Jira issue ${sim.issue(issueId)!.key}`,
    ];
    const timeline = await eventually(async () => {
      const entries = await timelineOf(incident.id);
      return expected.every(t => entries.some(e => e.text === t))
        ? entries
        : undefined;
    }, 'the comment, its edit and its deletion on the timeline');
    for (const text of expected)
      expect({
        text,
        times: timeline.filter(e => e.text === text).length,
      }).toEqual({ text, times: 1 });
  });

  it('marks the link gone when a person deletes the issue, and sends nothing more to it', async () => {
    const incident = (
      await api('POST', '/v1/incidents', {
        title: 'Stale cache keys',
        severity: 'SEV-3',
        integrations: [integration.name],
      })
    ).body;
    const issueId = await linkedIssueId(incident.id);
    const key = sim.issue(issueId)!.key;
    await sim.deleteAsPerson(issueId);
    expect(sim.webhooks.deliveries.at(-1)?.status).toBe(200);
    const link = await eventually(async () => {
      const view = (await api('GET', `/v1/incidents/${incident.id}`)).body;
      return view.links[0].sync_state === 'gone' ? view.links[0] : undefined;
    }, 'the link to be gone');
    expect(link).toMatchObject({
      external_id: issueId,
      last_error: `Jira issue ${key} was deleted`,
    });
    expect((await timelineOf(incident.id)).map(e => e.text)).toContain(
      `Jira issue ${key} was deleted`,
    );

    const callsBefore = sim.server.calls.length;
    expect(
      (
        await api('PATCH', `/v1/incidents/${incident.id}`, {
          title: 'Stale cache keys (still)',
          status: 'mitigated',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await api('POST', `/v1/incidents/${incident.id}/notes`, {
          text: 'Flushed the cache',
        })
      ).status,
    ).toBe(201);
    await new Promise(r => setTimeout(r, 500));
    expect(
      sim.server.calls.slice(callsBefore).filter(c => c.path.includes(issueId)),
    ).toEqual([]);
    expect(
      (await api('GET', `/v1/incidents/${incident.id}`)).body.links[0]
        .sync_state,
    ).toBe('gone');
  });

  it('creates nothing for an issue created in another project, and says why in sync-status', async () => {
    await sim.createAsPerson({
      project: { key: 'DEV' },
      issuetype: { name: 'Incident' },
      summary: 'Build agent out of disk',
    });
    expect(sim.webhooks.deliveries.at(-1)?.status).toBe(202);
    expect(await incidentTitled('Build agent out of disk')).toBeUndefined();
    expect(await ignoredEvents()).toContainEqual(
      expect.objectContaining({
        event_type: 'jira:issue_created',
        reason: "the issue is outside the integration's project OPS",
        count: 1,
      }),
    );
    await sim.createAsPerson({
      project: { key: 'OPS' },
      issuetype: { name: 'Incident' },
      summary: 'Replication lag',
    });
    expect(sim.webhooks.deliveries.at(-1)?.status).toBe(200);
    await eventually(
      async () => incidentTitled('Replication lag'),
      'an incident for the issue created in OPS',
    );
  });

  it('answers every documented Jira event 2xx, acting on issues and comments and counting the rest in sync-status', async () => {
    await commentsOwnedByJira();
    const before = sim.webhooks.deliveries.length;
    const events = await deliverEveryJiraEvent(sim, {
      summary: 'Every Jira event',
    });
    const statuses = sim.webhooks.deliveries.slice(before).map(d => d.status);
    expect(statuses.length).toBeGreaterThanOrEqual(events.length);
    expect(
      statuses.filter(s => typeof s !== 'number' || s < 200 || s >= 300),
    ).toEqual([]);

    const incident = await eventually(
      async () => incidentTitled('Every Jira event'),
      'the incident of the issue created in Jira',
    );
    const key = JSON.parse(
      events
        .find(e => e.event === 'jira:issue_deleted')!
        .webhook.rawBody.toString(),
    ).issue.key;
    await eventually(async () => {
      const texts = (await timelineOf(incident.id)).map(e => e.text);
      return [
        'Looking into it',
        'Comment edited in Jira: Looking into it: the primary is down',
        `A comment by ${JIRA_AGENTS[0].displayName} was deleted in Jira issue ${key}`,
        `Jira issue ${key} was deleted`,
      ].every(t => texts.includes(t));
    }, 'every issue and comment event on the timeline');

    const ignored = await ignoredEvents();
    for (const { event } of events) {
      if ((ACTED_ON_JIRA_EVENTS as readonly string[]).includes(event)) continue;
      expect(ignored).toContainEqual(
        expect.objectContaining({
          event_type: event,
          reason: ignoredJiraEventReason(event),
        }),
      );
    }
  });

  it('checks any event of the catalogue on the signature test route, saying what it would do', async () => {
    const testPath = `${webhookPath}/test`;
    sim.setWebhookTarget({
      url: `${baseUrl}${testPath}`,
      secret: SECRET,
      scheme: 'jwt',
      issuer: sim.issuer,
    });
    const before = sim.webhooks.deliveries.length;
    try {
      await deliverEveryJiraEvent(sim, { summary: 'Only tested' });
    } finally {
      sim.setWebhookTarget({
        url: `${baseUrl}${webhookPath}`,
        secret: SECRET,
        scheme: 'jwt',
        issuer: sim.issuer,
      });
    }
    const statuses = sim.webhooks.deliveries.slice(before).map(d => d.status);
    expect(statuses.length).toBeGreaterThan(50);
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(await incidentTitled('Only tested')).toBeUndefined();
  });

  it('refuses a forged JWT (wrong secret, wrong qsh, expired, wrong iss) and a wrong HMAC with 401', async () => {
    const incident = (
      await api('POST', '/v1/incidents', {
        title: 'Forgery target',
        severity: 'SEV-3',
        integrations: [integration.name],
      })
    ).body;
    const issueId = await linkedIssueId(incident.id);
    const payload = Buffer.from(
      JSON.stringify({
        timestamp: Date.now(),
        webhookEvent: 'jira:issue_updated',
        user: { accountId: 'attacker', displayName: 'Mallory' },
        issue: { id: issueId, key: sim.issue(issueId)!.key, fields: {} },
        changelog: {
          id: '1',
          items: [
            {
              field: 'summary',
              fieldId: 'summary',
              fromString: 'Forgery target',
              toString: 'pwned',
            },
          ],
        },
      }),
    );
    const jsonHeaders = { 'content-type': 'application/json' };
    const forged: Array<[string, Record<string, string>]> = [
      [
        'wrong secret',
        {
          authorization: `JWT ${await jwt({ secret: 'not-the-shared-secret' })}`,
        },
      ],
      [
        'wrong qsh',
        {
          authorization: `JWT ${await jwt({ qsh: jiraQueryStringHash('POST', '/api/itsm-sync/v1/webhooks/other') })}`,
        },
      ],
      [
        'expired',
        {
          authorization: `JWT ${await jwt({ exp: Math.floor(Date.now() / 1000) - 300 })}`,
        },
      ],
      [
        'wrong iss',
        { authorization: `JWT ${await jwt({ iss: 'another-jira-site' })}` },
      ],
      [
        'wrong HMAC',
        {
          authorization: mockCredentials.none.header(),
          'x-hub-signature': `sha256=${createHmac('sha256', 'wrong-secret').update(payload).digest('hex')}`,
        },
      ],
      ['no signature', { authorization: mockCredentials.none.header() }],
    ];
    for (const [what, headers] of forged) {
      const res = await postWebhook(payload, {
        ...jsonHeaders,
        ...headers,
        'x-atlassian-webhook-identifier': `forged-${what}`,
      });
      expect({ what, status: res.status }).toEqual({ what, status: 401 });
    }
    expect((await api('GET', `/v1/incidents/${incident.id}`)).body.title).toBe(
      'Forgery target',
    );

    // The same bytes, properly signed either way, are accepted.
    // Signed a minute ago (still within its lifetime and the maximum age), so the burst window is over.
    const token = await jwt({ iat: Math.floor(Date.now() / 1000) - 60 });
    const viaJwt = await postWebhook(payload, {
      ...jsonHeaders,
      authorization: `JWT ${token}`,
      'x-atlassian-webhook-identifier': 'genuine-jwt',
    });
    expect(viaJwt.status).toBe(200);
    // The JWT covers the method and URL, not the body: reused with another body it is refused.
    const otherBody = Buffer.from(
      payload.toString().replace('pwned', 'pwned again'),
    );
    const reused = await postWebhook(otherBody, {
      ...jsonHeaders,
      authorization: `JWT ${token}`,
      'x-atlassian-webhook-identifier': 'replay',
    });
    expect(reused.status).toBe(401);
    const viaHmac = await postWebhook(payload, {
      ...jsonHeaders,
      authorization: mockCredentials.none.header(),
      'x-hub-signature': `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}`,
      'x-atlassian-webhook-identifier': 'genuine-hmac',
    });
    expect(viaHmac.status).toBe(200);
    // The event id comes from the body, not the unsigned delivery header: the same bytes are the same event.
    expect(viaHmac.body).toMatchObject({ status: 'accepted', duplicates: 1 });
  });
});
