import { WebhookParseError, type WebhookRequest } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { JIRA_AGENTS, JiraSimulator } from '@itsm-sync-hub/simulators';
import { dedupLabel } from './mapping';
import { parseJiraWebhook } from './parseWebhook';
import { readSettings } from './settings';
import { verifyJiraWebhook } from './verifyWebhook';

const SECRET = 'connect-shared-secret-0001';
const settings = readSettings({ project_key: 'OPS' });
let sim: JiraSimulator;

beforeAll(async () => {
  sim = await JiraSimulator.start({ webhook: { secret: SECRET, scheme: 'jwt' } });
});
afterAll(() => sim.stop());

const newIssue = () =>
  sim.store.create({ project: { key: 'OPS' }, issuetype: { name: 'Incident' }, summary: 'Checkout down' }, sim.apiUser.accountId);
const parse = (webhook: WebhookRequest) => parseJiraWebhook(settings, sim.baseUrl, webhook);

describe('Jira webhooks from the simulator', () => {
  it('verifies the Connect JWT the simulator signs (signature, iss, qsh) over its own canonical request', async () => {
    const issue = newIssue();
    const webhook = (await sim.editAsPerson(issue.id, { priority: 'Highest' }))!;
    expect(webhook.headers.authorization).toMatch(/^JWT /);
    await expect(verifyJiraWebhook(webhook, { secrets: [SECRET], jwtIssuer: sim.issuer })).resolves.toEqual({ ok: true });
  });

  it('parses jira:issue_updated changelog items into changed fields, with the delivery id as event id', async () => {
    const issue = newIssue();
    await sim.transitionAsPerson(issue.id, 'In Progress');
    const webhook = (await sim.transitionAsPerson(issue.id, 'Waiting for customer'))!;
    const [change] = parse(webhook);
    expect(change).toMatchObject({
      kind: 'updated',
      externalId: issue.id,
      externalKey: issue.key,
      eventId: webhook.headers['x-atlassian-webhook-identifier'],
      fields: { status: 'mitigated' },
      actor: JIRA_AGENTS[0].displayName,
    });
    expect(Date.parse(change.occurredAt)).not.toBeNaN();
    const [assigned] = parse((await sim.editAsPerson(issue.id, { assignee: JIRA_AGENTS[1].accountId, summary: 'Renamed' }))!);
    expect(assigned.fields).toEqual({ assigned_to: JIRA_AGENTS[1].accountId, title: 'Renamed' });
  });

  it('parses comment_created as a note and jira:issue_created as a new ticket', async () => {
    const issue = newIssue();
    const [note] = parse((await sim.commentAsPerson(issue.key, 'Rolled back\n\nwatching'))!);
    expect(note).toMatchObject({ kind: 'note', note: { text: 'Rolled back\n\nwatching', author: JIRA_AGENTS[0].displayName } });

    const created = await sim.createAsPerson({ project: { key: 'OPS' }, issuetype: { name: 'Incident' }, summary: 'From Jira', priority: { name: 'High' } });
    const [change] = parse(sim.lastWebhook()!);
    expect(change).toMatchObject({ kind: 'created', externalId: created.id, fields: { title: 'From Jira', severity: 'SEV-2', status: 'open' } });
    expect(change.ticket?.externalKey).toBe(created.key);
  });

  it('does not treat an issue the hub created (dedup label) as a new incident', async () => {
    await sim.createAsPerson({ project: { key: 'OPS' }, issuetype: { name: 'Incident' }, summary: 'Mine', labels: [dedupLabel('itsm-1-2')] });
    expect(parse(sim.lastWebhook()!)[0].kind).toBe('updated');
  });

  it('skips comments the hub wrote itself', async () => {
    const issue = newIssue();
    const webhook = (await sim.commentAsPerson(issue.id, 'from the hub', sim.apiUser.accountId))!;
    const own = parseJiraWebhook(settings, sim.baseUrl, webhook, author => author?.accountId === sim.apiUser.accountId);
    expect(own).toEqual([]);
  });

  it('derives a stable event id when the delivery header is absent', async () => {
    const issue = newIssue();
    const webhook = (await sim.editAsPerson(issue.id, { priority: 'Low' }))!;
    const headers = { ...webhook.headers, 'x-atlassian-webhook-identifier': undefined };
    const first = parse({ ...webhook, headers })[0].eventId;
    expect(first).toMatch(/^jira-[0-9a-f]{32}$/);
    expect(parse({ ...webhook, headers })[0].eventId).toBe(first);
  });

  it('refuses bodies it cannot understand with a WebhookParseError naming the problem', () => {
    const req = (raw: string): WebhookRequest => ({ rawBody: Buffer.from(raw), headers: {}, method: 'POST', url: '/' });
    expect(() => parse(req('not json'))).toThrow(new WebhookParseError('body is not JSON'));
    expect(() => parse(req('{"issue":{"id":"1"}}'))).toThrow('webhookEvent is missing');
    expect(() => parse(req('{"webhookEvent":"jira:issue_updated"}'))).toThrow('jira:issue_updated carries no issue id');
    expect(parse(req('{"webhookEvent":"worklog_created","issue":{"id":"1"}}'))).toEqual([]);
  });
});
