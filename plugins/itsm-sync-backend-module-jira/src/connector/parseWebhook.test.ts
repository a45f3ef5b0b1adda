import {
  WebhookParseError,
  type WebhookRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  deliverEveryJiraEvent,
  JIRA_AGENTS,
  JIRA_WEBHOOK_EVENTS,
  JiraSimulator,
} from '@itsm-sync-hub/simulators';
import { dedupLabel } from './mapping';
import {
  ACTED_ON_JIRA_EVENTS,
  ignoredJiraEventReason,
  parseJiraWebhook,
} from './parseWebhook';
import { readSettings } from './settings';
import { verifyJiraWebhook } from './verifyWebhook';

const SECRET = 'connect-shared-secret-0001';
const settings = readSettings({ project_key: 'OPS' });
let sim: JiraSimulator;

beforeAll(async () => {
  sim = await JiraSimulator.start({
    webhook: { secret: SECRET, scheme: 'jwt' },
  });
});
afterAll(() => sim.stop());

const newIssue = () =>
  sim.store.create(
    {
      project: { key: 'OPS' },
      issuetype: { name: 'Incident' },
      summary: 'Checkout down',
    },
    sim.apiUser.accountId,
  );
const read = (webhook: WebhookRequest, with_ = settings) =>
  parseJiraWebhook(with_, sim.baseUrl, webhook);
const parse = (webhook: WebhookRequest) => read(webhook).changes;

describe('Jira webhooks from the simulator', () => {
  it('verifies the Connect JWT the simulator signs (signature, iss, qsh) over its own canonical request', async () => {
    const issue = newIssue();
    const webhook = (await sim.editAsPerson(issue.id, {
      priority: 'Highest',
    }))!;
    expect(webhook.headers.authorization).toMatch(/^JWT /);
    const replays = { firstUse: async () => true };
    await expect(
      verifyJiraWebhook(webhook, {
        secrets: [SECRET],
        jwtIssuer: sim.issuer,
        replays,
      }),
    ).resolves.toEqual({ ok: true });
  });

  it('parses jira:issue_updated changelog items into changed fields, with an event id from the body', async () => {
    const issue = newIssue();
    await sim.transitionAsPerson(issue.id, 'In Progress');
    const webhook = (await sim.transitionAsPerson(
      issue.id,
      'Waiting for customer',
    ))!;
    const [change] = parse(webhook);
    expect(change).toMatchObject({
      kind: 'updated',
      externalId: issue.id,
      externalKey: issue.key,
      eventId: expect.stringMatching(/^jira-[0-9a-f]{32}$/),
      fields: { status: 'mitigated' },
      actor: JIRA_AGENTS[0].displayName,
    });
    expect(Date.parse(change.occurredAt)).not.toBeNaN();
    const [assigned] = parse(
      (await sim.editAsPerson(issue.id, {
        assignee: JIRA_AGENTS[1].accountId,
        summary: 'Renamed',
      }))!,
    );
    expect(assigned.fields).toEqual({
      assigned_to: JIRA_AGENTS[1].accountId,
      title: 'Renamed',
    });
  });

  it('parses comment_created as a note and jira:issue_created as a new ticket', async () => {
    const issue = newIssue();
    const [note] = parse(
      (await sim.commentAsPerson(issue.key, 'Rolled back\n\nwatching'))!,
    );
    expect(note).toMatchObject({
      kind: 'note',
      note: {
        text: 'Rolled back\n\nwatching',
        author: JIRA_AGENTS[0].displayName,
      },
    });

    const created = await sim.createAsPerson({
      project: { key: 'OPS' },
      issuetype: { name: 'Incident' },
      summary: 'From Jira',
      priority: { name: 'High' },
    });
    const [change] = parse(sim.lastWebhook()!);
    expect(change).toMatchObject({
      kind: 'created',
      externalId: created.id,
      fields: { title: 'From Jira', severity: 'SEV-2', status: 'open' },
    });
    expect(change.ticket?.externalKey).toBe(created.key);
  });

  it('does not treat an issue the hub created (dedup label) as a new incident', async () => {
    await sim.createAsPerson({
      project: { key: 'OPS' },
      issuetype: { name: 'Incident' },
      summary: 'Mine',
      labels: [dedupLabel('itsm-1-2')],
    });
    expect(parse(sim.lastWebhook()!)[0].kind).toBe('updated');
  });

  it('skips comments the hub wrote itself', async () => {
    const issue = newIssue();
    const webhook = (await sim.commentAsPerson(
      issue.id,
      'from the hub',
      sim.apiUser.accountId,
    ))!;
    const own = parseJiraWebhook(
      settings,
      sim.baseUrl,
      webhook,
      author => author?.accountId === sim.apiUser.accountId,
    );
    expect(own).toEqual({
      changes: [],
      ignored: [
        expect.objectContaining({
          eventType: 'comment_created',
          reason: 'a comment the hub wrote itself',
        }),
      ],
    });
  });

  it('derives a stable event id from the body alone: the unsigned delivery header cannot make a replay new', async () => {
    const issue = newIssue();
    const webhook = (await sim.editAsPerson(issue.id, { priority: 'Low' }))!;
    const first = parse(webhook)[0].eventId;
    expect(first).toMatch(/^jira-[0-9a-f]{32}$/);
    const forged = {
      ...webhook.headers,
      'x-atlassian-webhook-identifier': 'forged-new-id',
      'x-request-id': 'forged',
    };
    expect(parse({ ...webhook, headers: forged })[0].eventId).toBe(first);
    const headers = {
      ...webhook.headers,
      'x-atlassian-webhook-identifier': undefined,
    };
    expect(parse({ ...webhook, headers })[0].eventId).toBe(first);
  });

  it('refuses only bodies it cannot read; an event without the issue it needs is acknowledged with why', () => {
    const req = (raw: string): WebhookRequest => ({
      rawBody: Buffer.from(raw),
      headers: {},
      method: 'POST',
      url: '/',
    });
    expect(() => parse(req('not json'))).toThrow(
      new WebhookParseError('body is not JSON'),
    );
    expect(() => parse(req('{"issue":{"id":"1"}}'))).toThrow(
      'webhookEvent is missing',
    );
    expect(read(req('{"webhookEvent":"jira:issue_updated"}'))).toEqual({
      changes: [],
      ignored: [
        expect.objectContaining({
          eventType: 'jira:issue_updated',
          reason: 'the event carries no issue id',
        }),
      ],
    });
    expect(
      read(
        req(
          '{"webhookEvent":"worklog_created","worklog":{"id":"1","issueId":"10000"}}',
        ),
      ).ignored,
    ).toEqual([
      expect.objectContaining({
        eventType: 'worklog_created',
        reason: 'work logs are not synced',
      }),
    ]);
    expect(
      read(req('{"webhookEvent":"something_new"}')).ignored[0].reason,
    ).toMatch(/not an event of the Jira Cloud webhook catalogue/);
    const oddName =
      '{"webhookEvent":"jira:issue_updated","issue_event_type_name":"constructor","issue":{"id":"1","key":"OPS-1"},"comment":{"id":"5","body":"x"}}';
    expect(read(req(oddName)).ignored[0].reason).toBe(
      'the update changes no synced field',
    );
  });

  it('knows what to do with every event of the Jira Cloud catalogue', () => {
    for (const event of Object.keys(JIRA_WEBHOOK_EVENTS)) {
      const acted = (ACTED_ON_JIRA_EVENTS as readonly string[]).includes(event);
      expect({
        event,
        known:
          acted || !/not an event of/.test(ignoredJiraEventReason(event) ?? ''),
      }).toEqual({ event, known: true });
    }
  });

  it('reads every event Jira sends, as it sends it: a change, or acknowledged with the reason', async () => {
    const events = await deliverEveryJiraEvent(sim, { summary: 'Catalogue' });
    for (const { event, webhook } of events) {
      const { changes, ignored } = read(webhook);
      const acted = (ACTED_ON_JIRA_EVENTS as readonly string[]).includes(event);
      const expectedIgnored = acted
        ? []
        : [[event, ignoredJiraEventReason(event)]];
      expect({
        event,
        acted: changes.length > 0,
        ignored: ignored.map(i => [i.eventType, i.reason]),
      }).toEqual({ event, acted, ignored: expectedIgnored });
    }
  });

  it('reads a deleted issue as the ticket gone', async () => {
    const issue = newIssue();
    const [gone] = parse((await sim.deleteAsPerson(issue.id))!);
    expect(gone).toMatchObject({
      kind: 'deleted',
      externalId: issue.id,
      fields: {},
      timeline: `Jira issue ${issue.key} was deleted`,
    });
  });

  it('reads a comment edit as a note and a deletion as a timeline line', async () => {
    const issue = newIssue();
    await sim.commentAsPerson(issue.id, 'Disk at 90%');
    const commentId = issue.comments[0].id;
    const [edited] = parse(
      (await sim.editCommentAsPerson(issue.id, commentId, 'Disk at 95%'))!,
    );
    expect(edited).toMatchObject({
      kind: 'note',
      note: {
        text: 'Comment edited in Jira: Disk at 95%',
        author: JIRA_AGENTS[0].displayName,
      },
    });
    const [deleted] = parse(
      (await sim.deleteCommentAsPerson(issue.id, commentId))!,
    );
    expect(deleted).toMatchObject({
      kind: 'event',
      timeline: `A comment by ${JIRA_AGENTS[0].displayName} was deleted in Jira issue ${issue.key}`,
    });
  });

  it('reads a comment sent only inside jira:issue_updated, with the event id comment_created would have', async () => {
    const issue = newIssue();
    const before = sim.webhooks.sent.length;
    await sim.commentAsPerson(issue.id, 'Paged the DBA');
    const [inUpdate, alone] = sim.webhooks.sent.slice(before).map(w =>
      parse({
        rawBody: w.rawBody,
        headers: w.headers,
        method: 'POST',
        url: new URL(w.url).pathname,
      }),
    );
    expect(inUpdate).toEqual([
      expect.objectContaining({
        kind: 'note',
        note: expect.objectContaining({ text: 'Paged the DBA' }),
      }),
    ]);
    expect(inUpdate[0].eventId).toBe(alone[0].eventId);
  });

  it('reads priorities of the classic scheme by name', async () => {
    const classic = await JiraSimulator.start({ priorityScheme: 'classic' });
    try {
      const issue = await classic.createAsPerson({
        project: { key: 'OPS' },
        issuetype: { name: 'Incident' },
        summary: 'Classic',
        priority: { name: 'Trivial' },
      });
      expect(
        parseJiraWebhook(settings, classic.baseUrl, classic.lastWebhook()!)
          .changes[0].fields.severity,
      ).toBe('SEV-4');
      const expected = {
        Blocker: 'SEV-1',
        Critical: 'SEV-2',
        Major: 'SEV-3',
        Minor: 'SEV-4',
      } as const;
      for (const [name, severity] of Object.entries(expected)) {
        const webhook = (await classic.editAsPerson(issue.id, {
          priority: name,
        }))!;
        expect({
          name,
          severity: parseJiraWebhook(settings, classic.baseUrl, webhook)
            .changes[0].fields.severity,
        }).toEqual({ name, severity });
      }
    } finally {
      await classic.stop();
    }
  });

  it('creates nothing from another project, or with inbound_create off', async () => {
    const other = await JiraSimulator.start({ projects: ['OPS', 'DEV'] });
    try {
      await other.createAsPerson({
        project: { key: 'DEV' },
        issuetype: { name: 'Incident' },
        summary: 'Not ours',
      });
      expect(
        parseJiraWebhook(settings, other.baseUrl, other.lastWebhook()!),
      ).toEqual({
        changes: [],
        ignored: [
          expect.objectContaining({
            eventType: 'jira:issue_created',
            reason: "the issue is outside the integration's project OPS",
          }),
        ],
      });
      await other.createAsPerson({
        project: { key: 'OPS' },
        issuetype: { name: 'Incident' },
        summary: 'Ours, but off',
      });
      const off = readSettings({ project_key: 'OPS', inbound_create: false });
      expect(
        parseJiraWebhook(off, other.baseUrl, other.lastWebhook()!).ignored[0]
          .reason,
      ).toBe('inbound creation is turned off (settings.inbound_create)');
    } finally {
      await other.stop();
    }
  });

  it("reads changes of an issue the hub created in another project (routing's target), but nobody else's", async () => {
    const other = await JiraSimulator.start({ projects: ['OPS', 'PAY'] });
    try {
      const ours = await other.createAsPerson({
        project: { key: 'PAY' },
        issuetype: { name: 'Incident' },
        summary: 'Routed to PAY',
        labels: ['itsm-sync-itsm-abc-def'],
      });
      const edit = (await other.editAsPerson(ours.id, {
        summary: 'Routed to PAY, edited',
      }))!;
      expect(
        parseJiraWebhook(settings, other.baseUrl, edit).changes[0],
      ).toMatchObject({
        kind: 'updated',
        externalId: ours.id,
        fields: { title: 'Routed to PAY, edited' },
      });
      const theirs = await other.createAsPerson({
        project: { key: 'PAY' },
        issuetype: { name: 'Incident' },
        summary: 'Not the hub',
      });
      const theirEdit = (await other.editAsPerson(theirs.id, {
        summary: 'Still not the hub',
      }))!;
      expect(
        parseJiraWebhook(settings, other.baseUrl, theirEdit).ignored[0].reason,
      ).toBe("the issue is outside the integration's project OPS");
    } finally {
      await other.stop();
    }
  });
});
