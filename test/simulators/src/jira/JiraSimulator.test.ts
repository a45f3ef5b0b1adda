import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, jwtVerify } from 'jose';
import {
  JIRA_AGENTS,
  JiraSimulator,
  jiraQueryStringHash,
  jiraTextToAdf,
} from './index';

let sim: JiraSimulator;
let auth: string;

beforeAll(async () => {
  sim = await JiraSimulator.start({
    maxPageSize: 2,
    webhook: { secret: 'admin-webhook-secret', scheme: 'hmac' },
  });
  auth = `Basic ${Buffer.from(`${sim.credentials.email}:${sim.credentials.api_token}`).toString('base64')}`;
});
afterAll(() => sim.stop());

async function call(
  method: string,
  path: string,
  body?: unknown,
  authorization = auth,
) {
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: { authorization, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

async function createIssue(
  summary: string,
  extra: Record<string, unknown> = {},
) {
  const res = await call('POST', '/rest/api/3/issue', {
    fields: {
      project: { key: 'OPS' },
      issuetype: { name: 'Incident' },
      summary,
      ...extra,
    },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; key: string; self: string };
}

describe('Jira simulator REST v3', () => {
  it('creates issues with 201 {id,key,self} and reads them back in the v3 shape', async () => {
    const created = await createIssue('Checkout down', {
      description: jiraTextToAdf('p99 > 2 s'),
      priority: { name: 'High' },
      labels: ['itsm-sync-x'],
    });
    expect(created.id).toMatch(/^\d+$/);
    expect(created.key).toMatch(/^OPS-\d+$/);
    expect(created.self).toBe(`${sim.baseUrl}/rest/api/3/issue/${created.id}`);
    const byKey = await call('GET', `/rest/api/3/issue/${created.key}`);
    expect(byKey.status).toBe(200);
    expect(byKey.body.id).toBe(created.id);
    expect(byKey.body.fields).toMatchObject({
      summary: 'Checkout down',
      description: jiraTextToAdf('p99 > 2 s'),
      priority: { id: '2', name: 'High' },
      status: { name: 'To Do', statusCategory: { key: 'new' } },
      assignee: null,
      labels: ['itsm-sync-x'],
    });
    expect(byKey.body.fields.updated).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/,
    );
    const some = await call(
      'GET',
      `/rest/api/3/issue/${created.id}?fields=summary,status`,
    );
    expect(Object.keys(some.body.fields).sort()).toEqual(['status', 'summary']);
  });

  it('answers Jira error bodies: 400 with field errors, 404, 401', async () => {
    const bad = await call('POST', '/rest/api/3/issue', {
      fields: { project: { key: 'NOPE' }, issuetype: { name: 'Incident' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      errorMessages: [],
      errors: {
        project: 'Specify a valid project ID or key',
        summary: 'You must specify a summary of the issue.',
      },
    });
    const missing = await call('GET', '/rest/api/3/issue/OPS-99999');
    expect(missing).toMatchObject({
      status: 404,
      body: {
        errorMessages: [
          'Issue does not exist or you do not have permission to see it.',
        ],
        errors: {},
      },
    });
    const anonymous = await call(
      'GET',
      '/rest/api/3/myself',
      undefined,
      'Basic bm9ib2R5Ondyb25n',
    );
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errorMessages[0]).toMatch(/not authenticated/);
    const me = await call('GET', '/rest/api/3/myself');
    expect(me.body).toMatchObject({
      accountId: sim.apiUser.accountId,
      emailAddress: sim.credentials.email,
    });
  });

  it('edits with PUT -> 204, but refuses a status in an edit like Jira does', async () => {
    const { id } = await createIssue('Edit me');
    const edit = await call('PUT', `/rest/api/3/issue/${id}`, {
      fields: {
        summary: 'Edited',
        priority: { name: 'Highest' },
        assignee: { accountId: JIRA_AGENTS[1].accountId },
      },
    });
    expect(edit.status).toBe(204);
    expect(sim.issue(id)).toMatchObject({
      summary: 'Edited',
      priority: 'Highest',
      assigneeAccountId: JIRA_AGENTS[1].accountId,
    });
    const status = await call('PUT', `/rest/api/3/issue/${id}`, {
      fields: { status: { name: 'Resolved' } },
    });
    expect(status.status).toBe(400);
    expect(status.body.errors.status).toMatch(/cannot be set/);
    const unknownUser = await call('PUT', `/rest/api/3/issue/${id}`, {
      fields: { assignee: { accountId: 'ghost' } },
    });
    expect(unknownUser.body.errors.assignee).toBe(
      "User 'ghost' cannot be assigned issues.",
    );
  });

  it('changes status only through the transitions the current status offers', async () => {
    const { id } = await createIssue('Workflow');
    const fromTodo = await call('GET', `/rest/api/3/issue/${id}/transitions`);
    expect(
      fromTodo.body.transitions.map((t: any) => [t.id, t.to.name]),
    ).toEqual([['11', 'In Progress']]);
    const skip = await call('POST', `/rest/api/3/issue/${id}/transitions`, {
      transition: { id: '41' },
    });
    expect(skip).toMatchObject({
      status: 400,
      body: {
        errorMessages: ["Transition id '41' is not valid for this issue."],
      },
    });
    for (const tid of ['11', '21', '41', '61']) {
      expect(
        (
          await call('POST', `/rest/api/3/issue/${id}/transitions`, {
            transition: { id: tid },
          })
        ).status,
      ).toBe(204);
    }
    expect(sim.issue(id)!.status).toBe('Closed');
    const reopen = await call('GET', `/rest/api/3/issue/${id}/transitions`);
    expect(reopen.body.transitions).toEqual([
      expect.objectContaining({
        id: '71',
        name: 'Reopen',
        to: expect.objectContaining({ name: 'To Do' }),
      }),
    ]);
  });

  it('keeps ADF comments, refusing plain-string bodies', async () => {
    const { key } = await createIssue('Comments');
    const added = await call('POST', `/rest/api/3/issue/${key}/comment`, {
      body: jiraTextToAdf('first'),
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      body: jiraTextToAdf('first'),
      author: { accountId: sim.apiUser.accountId },
    });
    const plain = await call('POST', `/rest/api/3/issue/${key}/comment`, {
      body: 'plain',
    });
    expect(plain.status).toBe(400);
    const list = await call('GET', `/rest/api/3/issue/${key}/comment`);
    expect(list.body).toMatchObject({
      startAt: 0,
      total: 1,
      comments: [{ body: jiraTextToAdf('first') }],
    });
  });

  it('searches with JQL and pages with nextPageToken until isLast', async () => {
    const label = `page-${Date.now()}`;
    const ids = [];
    for (let i = 0; i < 5; i++)
      ids.push((await createIssue(`Paged ${i}`, { labels: [label] })).id);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await call('POST', '/rest/api/3/search/jql', {
        jql: `project = OPS AND labels = ${label} ORDER BY updated ASC`,
        fields: ['summary'],
        maxResults: 50,
        ...(token ? { nextPageToken: token } : {}),
      });
      expect(res.status).toBe(200);
      seen.push(...res.body.issues.map((i: any) => i.id));
      expect(
        res.body.issues.every((i: any) => typeof i.fields.summary === 'string'),
      ).toBe(true);
      token = res.body.nextPageToken;
      expect(res.body.isLast).toBe(token === undefined);
      pages += 1;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);

    const idsOnly = await call(
      'GET',
      `/rest/api/3/search/jql?jql=${encodeURIComponent(`id in (${ids[0]}, ${ids[1]})`)}`,
    );
    expect(idsOnly.body.issues).toEqual([{ id: ids[0] }, { id: ids[1] }]);
    const keys = await call(
      'GET',
      `/rest/api/3/search/jql?jql=${encodeURIComponent(`key in (${sim.issue(ids[4])!.key}) ORDER BY key DESC`)}&fields=summary`,
    );
    expect(keys.body.issues.map((i: any) => i.id)).toEqual([ids[4]]);
  });

  it('filters on updated >= "yyyy/MM/dd HH:mm" and refuses bad JQL, bad tokens and the removed /search', async () => {
    const future = new Date(Date.now() + 120_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    const literal = `${future.getUTCFullYear()}/${pad(future.getUTCMonth() + 1)}/${pad(future.getUTCDate())} ${pad(future.getUTCHours())}:${pad(future.getUTCMinutes())}`;
    const none = await call('POST', '/rest/api/3/search/jql', {
      jql: `updated >= "${literal}"`,
      fields: ['id'],
    });
    expect(none.body).toEqual({ issues: [], isLast: true });
    const recent = await call('POST', '/rest/api/3/search/jql', {
      jql: 'updated >= "-10m" ORDER BY updated',
      fields: ['id'],
    });
    expect(recent.body.issues.length).toBeGreaterThan(0);

    const unknown = await call('POST', '/rest/api/3/search/jql', {
      jql: 'flavour = vanilla',
    });
    expect(unknown).toMatchObject({
      status: 400,
      body: {
        errorMessages: [
          "Field 'flavour' does not exist or you do not have permission to view it.",
        ],
      },
    });
    const badDate = await call('POST', '/rest/api/3/search/jql', {
      jql: 'updated >= "yesterday"',
    });
    expect(badDate.body.errorMessages[0]).toMatch(
      /Date value 'yesterday' for field 'updated' is invalid/,
    );
    const unbounded = await call('POST', '/rest/api/3/search/jql', {
      jql: 'ORDER BY updated',
    });
    expect(unbounded.body.errorMessages[0]).toMatch(/Unbounded JQL/);
    const token = await call('POST', '/rest/api/3/search/jql', {
      jql: 'project = OPS',
      nextPageToken: 'forged',
    });
    expect(token.body.errorMessages).toEqual([
      'The provided next page token is invalid or expired.',
    ]);
    expect(
      (await call('GET', '/rest/api/3/search?jql=project=OPS')).status,
    ).toBe(410);
  });

  it('answers 429 with Retry-After and X-RateLimit-* past the budget, and injected failures', async () => {
    sim.server.setBudget(1, 60_000);
    try {
      expect((await call('GET', '/rest/api/3/myself')).status).toBe(200);
      const limited = await call('GET', '/rest/api/3/myself');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.headers.get('x-ratelimit-limit')).toBe('1');
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(
        Date.parse(limited.headers.get('x-ratelimit-reset')!),
      ).toBeGreaterThan(Date.now());
      expect(limited.body.errorMessages).toEqual(['Rate limit exceeded']);
    } finally {
      sim.server.setBudget(Infinity);
    }
    sim.server.failNext({ status: 503 });
    expect((await call('GET', '/rest/api/3/myself')).status).toBe(503);
    expect((await call('GET', '/rest/api/3/myself')).status).toBe(200);
  });
});

describe('Jira simulator webhooks', () => {
  let hub: Server;
  const received: Array<{
    url: string;
    headers: Record<string, any>;
    body: Buffer;
  }> = [];

  beforeAll(async () => {
    hub = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        received.push({
          url: req.url!,
          headers: req.headers,
          body: Buffer.concat(chunks),
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>(r => hub.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    sim.setWebhookTarget({
      url: undefined,
      secret: 'admin-webhook-secret',
      scheme: 'hmac',
    });
    await new Promise(r => hub.close(r));
  });
  const hubUrl = (path: string) =>
    `http://127.0.0.1:${(hub.address() as AddressInfo).port}${path}`;

  it('delivers an admin-webhook HMAC over the exact bytes, with a delivery id', async () => {
    sim.setWebhookTarget({
      url: hubUrl('/api/itsm-sync/v1/webhooks/jira'),
      secret: 'admin-webhook-secret',
      scheme: 'hmac',
    });
    const { id } = await createIssue('Hooked');
    const res = await fetch(`${sim.baseUrl}/__admin/issues/${id}/transition`, {
      method: 'POST',
      body: JSON.stringify({
        status: 'Mitigated',
        as: JIRA_AGENTS[1].accountId,
      }),
    });
    expect(res.status).toBe(200);
    const [toProgress, toMitigated] = received.splice(0);
    expect(toProgress && toMitigated).toBeTruthy();
    const expected = `sha256=${createHmac('sha256', 'admin-webhook-secret').update(toMitigated.body).digest('hex')}`;
    expect(toMitigated.headers['x-hub-signature']).toBe(expected);
    expect(toMitigated.headers['x-atlassian-webhook-identifier']).not.toBe(
      toProgress.headers['x-atlassian-webhook-identifier'],
    );
    const payload = JSON.parse(toMitigated.body.toString());
    expect(payload).toMatchObject({
      webhookEvent: 'jira:issue_updated',
      timestamp: expect.any(Number),
      user: { accountId: JIRA_AGENTS[1].accountId },
      issue: { id, fields: { status: { name: 'Mitigated' } } },
      changelog: {
        items: [
          {
            field: 'status',
            fromString: 'In Progress',
            toString: 'Mitigated',
            from: '3',
            to: '10001',
          },
        ],
      },
    });
  });

  it('signs a Connect JWT whose qsh is the hash of POST&<path>&<sorted query>', async () => {
    sim.setWebhookTarget({
      url: hubUrl('/hooks/jira?z=1&a=2'),
      secret: 'connect-shared-secret',
      scheme: 'jwt',
      issuer: 'client-key-9',
    });
    const { id } = await createIssue('JWT');
    await fetch(`${sim.baseUrl}/__admin/issues/${id}/comment`, {
      method: 'POST',
      body: JSON.stringify({ text: 'on it' }),
    });
    // A comment raises jira:issue_updated, then comment_created.
    const delivery = received.splice(0).at(-1)!;
    const token = /^JWT (.+)$/.exec(delivery.headers.authorization)![1];
    const { payload, protectedHeader } = await jwtVerify(
      token,
      new TextEncoder().encode('connect-shared-secret'),
    );
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.iss).toBe('client-key-9');
    expect(payload.exp! - payload.iat!).toBe(180);
    expect(payload.qsh).toBe(
      jiraQueryStringHash('POST', '/hooks/jira?a=2&z=1'),
    );
    expect(decodeJwt(token).qsh).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(delivery.body.toString())).toMatchObject({
      webhookEvent: 'comment_created',
      comment: {
        body: jiraTextToAdf('on it'),
        author: { accountId: JIRA_AGENTS[0].accountId },
      },
      issue: { id },
    });
  });

  it('sends jira:issue_created for an issue a person creates through the admin route', async () => {
    sim.setWebhookTarget({
      url: hubUrl('/h'),
      secret: 'admin-webhook-secret',
      scheme: 'hmac',
    });
    const res = await fetch(`${sim.baseUrl}/__admin/issues`, {
      method: 'POST',
      body: JSON.stringify({
        fields: {
          project: { key: 'OPS' },
          issuetype: { name: 'Incident' },
          summary: 'By hand',
        },
      }),
    });
    const created = await res.json();
    const [delivery] = received.splice(0);
    expect(JSON.parse(delivery.body.toString())).toMatchObject({
      webhookEvent: 'jira:issue_created',
      issue: { id: created.id, key: created.key },
    });
  });
});
