import {
  deliverEveryJiraEvent,
  JIRA_WEBHOOK_EVENTS,
  JiraSimulator,
} from './index';

/*
 * The `webhookEvent` names of Atlassian's "Webhooks" page (Available webhook events),
 * grouped as it groups them, and the keys its payload examples carry beside
 * `timestamp` and `webhookEvent`.
 */
const DOCUMENTED_EVENTS = [
  'jira:issue_created',
  'jira:issue_updated',
  'jira:issue_deleted',
  'comment_created',
  'comment_updated',
  'comment_deleted',
  'worklog_created',
  'worklog_updated',
  'worklog_deleted',
  'attachment_created',
  'attachment_deleted',
  'issuelink_created',
  'issuelink_deleted',
  'issue_property_set',
  'issue_property_deleted',
  'issuetype_created',
  'issuetype_updated',
  'issuetype_deleted',
  'project_created',
  'project_updated',
  'project_deleted',
  'project_soft_deleted',
  'project_restored_deleted',
  'project_archived',
  'project_restored_archived',
  'jira:version_created',
  'jira:version_updated',
  'jira:version_deleted',
  'jira:version_released',
  'jira:version_unreleased',
  'jira:version_moved',
  'jira:version_merged',
  'user_created',
  'user_updated',
  'user_deleted',
  'option_voting_changed',
  'option_watching_changed',
  'option_unassigned_issues_changed',
  'option_subtasks_changed',
  'option_attachments_changed',
  'option_issuelinks_changed',
  'option_timetracking_changed',
  'sprint_created',
  'sprint_updated',
  'sprint_deleted',
  'sprint_started',
  'sprint_closed',
  'board_created',
  'board_updated',
  'board_deleted',
  'board_configuration_changed',
  'filter_created',
  'filter_updated',
  'filter_deleted',
];
const ISSUE_EVENT_KEYS: Record<string, string[]> = {
  'jira:issue_created': [
    'timestamp',
    'webhookEvent',
    'issue_event_type_name',
    'user',
    'issue',
  ],
  'jira:issue_updated': [
    'timestamp',
    'webhookEvent',
    'issue_event_type_name',
    'user',
    'issue',
    'changelog',
  ],
  'jira:issue_deleted': [
    'timestamp',
    'webhookEvent',
    'issue_event_type_name',
    'user',
    'issue',
  ],
};
const COMMENT_KEYS = [
  'self',
  'id',
  'author',
  'body',
  'updateAuthor',
  'created',
  'updated',
  'jsdPublic',
];

const sorted = (keys: Iterable<string>) => [...keys].sort();

describe('JiraSimulator webhook catalogue', () => {
  let sim: JiraSimulator;
  beforeAll(async () => {
    sim = await JiraSimulator.start({
      webhook: { secret: 'catalogue-secret', scheme: 'hmac' },
    });
  });
  afterAll(() => sim.stop());

  it('knows exactly the documented events', () => {
    expect(sorted(Object.keys(JIRA_WEBHOOK_EVENTS))).toEqual(
      sorted(DOCUMENTED_EVENTS),
    );
  });

  it('delivers every documented event once, signed, each with the entity the documentation names', async () => {
    const events = await deliverEveryJiraEvent(sim);
    expect(sorted(events.map(e => e.event))).toEqual(sorted(DOCUMENTED_EVENTS));
    for (const { event, webhook } of events) {
      expect(webhook.headers['x-hub-signature']).toMatch(
        /^sha256=[0-9a-f]{64}$/,
      );
      const body = JSON.parse(webhook.rawBody.toString('utf8'));
      expect(typeof body.timestamp).toBe('number');
      const entity =
        JIRA_WEBHOOK_EVENTS[event as keyof typeof JIRA_WEBHOOK_EVENTS];
      const expected =
        ISSUE_EVENT_KEYS[event] ??
        (entity === 'comment'
          ? ['timestamp', 'webhookEvent', 'comment', 'issue']
          : ['timestamp', 'webhookEvent', ...(entity ? [entity] : [])]);
      expect({ event, keys: sorted(Object.keys(body)) }).toEqual({
        event,
        keys: sorted(expected),
      });
    }
    const bodiesOf = (kind: string) =>
      events
        .filter(
          e =>
            JIRA_WEBHOOK_EVENTS[e.event as keyof typeof JIRA_WEBHOOK_EVENTS] ===
            kind,
        )
        .map(e => JSON.parse(e.webhook.rawBody.toString('utf8')));
    for (const body of bodiesOf('comment')) {
      expect(sorted(Object.keys(body.comment))).toEqual(sorted(COMMENT_KEYS));
      expect(body.issue).toMatchObject({
        id: expect.any(String),
        key: expect.any(String),
        fields: { summary: expect.any(String) },
      });
    }
    for (const body of bodiesOf('worklog'))
      expect(body.worklog).toMatchObject({
        id: expect.any(String),
        issueId: expect.any(String),
      });
  });

  it('sends a comment inside jira:issue_updated as well as comment_created, and only what the webhook subscribes to', async () => {
    const issue = await sim.createAsPerson({
      project: { key: 'OPS' },
      issuetype: { name: 'Incident' },
      summary: 'Comments',
    });
    const before = sim.webhooks.sent.length;
    await sim.commentAsPerson(issue.id, 'First look');
    const bodies = sim.webhooks.sent
      .slice(before)
      .map(w => JSON.parse(w.rawBody.toString('utf8')));
    expect(bodies.map(b => [b.webhookEvent, b.issue_event_type_name])).toEqual([
      ['jira:issue_updated', 'issue_commented'],
      ['comment_created', undefined],
    ]);
    expect(bodies[0].comment.id).toBe(bodies[1].comment.id);

    sim.setWebhookTarget({
      secret: 'catalogue-secret',
      scheme: 'hmac',
      events: ['jira:issue_updated'],
    });
    try {
      const after = sim.webhooks.sent.length;
      await sim.commentAsPerson(issue.id, 'Second look');
      expect(
        sim.webhooks.sent
          .slice(after)
          .map(w => JSON.parse(w.rawBody.toString('utf8')).webhookEvent),
      ).toEqual(['jira:issue_updated']);
    } finally {
      sim.setWebhookTarget({ secret: 'catalogue-secret', scheme: 'hmac' });
    }
  });

  it('offers the classic priority scheme', async () => {
    const classic = await JiraSimulator.start({ priorityScheme: 'classic' });
    try {
      const issue = await classic.createAsPerson({
        project: { key: 'OPS' },
        issuetype: { name: 'Incident' },
        summary: 'Classic',
        priority: { name: 'Blocker' },
      });
      const body = JSON.parse(classic.lastWebhook()!.rawBody.toString('utf8'));
      expect(body.issue.fields.priority).toMatchObject({
        id: '1',
        name: 'Blocker',
      });
      await expect(
        classic.editAsPerson(issue.id, { priority: 'Highest' }),
      ).rejects.toThrow();
      expect(classic.store.priorities.map(p => p.name)).toEqual([
        'Blocker',
        'Critical',
        'Major',
        'Minor',
        'Trivial',
      ]);
    } finally {
      await classic.stop();
    }
  });
});
