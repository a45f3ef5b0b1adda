import { JIRA_WEBHOOK_EVENTS, type JiraWebhookEvent } from './eventCatalogue';
import type { CapturedJiraWebhook, JiraSimulator } from './index';

/** One delivery of each event, in the order people's actions produced them. */
export type EveryJiraEvent = Array<{
  event: JiraWebhookEvent;
  webhook: CapturedJiraWebhook;
}>;

/** A plausible entity of each kind the events other than issue, comment and worklog carry. */
function sampleEntity(
  kind: string,
  base: string,
  issueId: string,
): Record<string, unknown> {
  switch (kind) {
    case 'worklog':
      return {
        self: `${base}/rest/api/2/issue/${issueId}/worklog/30000`,
        id: '30000',
        issueId,
        timeSpent: '1h',
        timeSpentSeconds: 3600,
        comment: 'Investigation',
      };
    case 'attachment':
      return {
        self: `${base}/rest/api/2/attachment/40000`,
        id: '40000',
        filename: 'heap.hprof',
        created: new Date().toISOString(),
        size: 1024,
        mimeType: 'application/octet-stream',
        content: `${base}/secure/attachment/40000/heap.hprof`,
      };
    case 'issueLink':
      return {
        id: '50000',
        sourceIssueId: issueId,
        destinationIssueId: '1',
        issueLinkType: {
          id: '10000',
          name: 'Blocks',
          inwardName: 'is blocked by',
          outwardName: 'blocks',
          isSubTaskLinkType: false,
          isSystemLinkType: false,
        },
        systemLink: false,
        sequence: 0,
      };
    case 'property':
      return {
        key: 'runbook',
        value: { url: 'https://runbooks.example.com/db' },
        issueId,
      };
    case 'issueType':
      return {
        self: `${base}/rest/api/2/issuetype/10006`,
        id: '10006',
        name: 'Post-incident review',
        description: '',
        subtask: false,
      };
    case 'project':
      return {
        self: `${base}/rest/api/2/project/10100`,
        id: '10100',
        key: 'SANDBOX',
        name: 'Sandbox',
        projectTypeKey: 'service_desk',
      };
    case 'version':
      return {
        self: `${base}/rest/api/2/version/10200`,
        id: '10200',
        name: '2026.12',
        archived: false,
        released: false,
        projectId: 10000,
      };
    case 'user':
      return {
        self: `${base}/rest/api/2/user?accountId=5c0000000000000000000001`,
        accountId: '5c0000000000000000000001',
        displayName: 'New Agent',
        active: true,
      };
    case 'sprint':
      return {
        id: 7,
        self: `${base}/rest/agile/1.0/sprint/7`,
        state: 'active',
        name: 'Sprint 7',
        originBoardId: 3,
        goal: '',
      };
    case 'board':
      return {
        id: 3,
        self: `${base}/rest/agile/1.0/board/3`,
        name: 'OPS board',
        type: 'kanban',
      };
    case 'filter':
      return {
        self: `${base}/rest/api/2/filter/10300`,
        id: '10300',
        name: 'Open incidents',
        jql: 'project = OPS AND statusCategory != Done',
      };
    default:
      return {};
  }
}

/**
 * Acts as people would in Jira so that every event of the catalogue is delivered once:
 * an issue is created in `projectKey`, edited, commented on (the comment edited and
 * deleted), worked on, and deleted; every other event carries a sample entity. For tests
 * that must see the vendor's whole catalogue. The webhook target should subscribe to all.
 */
export async function deliverEveryJiraEvent(
  sim: JiraSimulator,
  options: { projectKey?: string; summary?: string } = {},
): Promise<EveryJiraEvent> {
  const out: EveryJiraEvent = [];
  const keep = (webhook: CapturedJiraWebhook | undefined) => {
    if (!webhook)
      throw new Error(
        'the simulator sent no webhook: does the target subscribe to every event?',
      );
    out.push({
      event: JSON.parse(webhook.rawBody.toString('utf8')).webhookEvent,
      webhook,
    });
  };
  const issue = await sim.createAsPerson({
    project: { key: options.projectKey ?? 'OPS' },
    issuetype: { name: 'Incident' },
    summary: options.summary ?? 'Every Jira event',
  });
  keep(sim.lastWebhook());
  keep(
    await sim.editAsPerson(issue.id, {
      priority: sim.store.priorities[0].name,
    }),
  );
  keep(await sim.commentAsPerson(issue.id, 'Looking into it'));
  const commentId = issue.comments[issue.comments.length - 1].id;
  keep(
    await sim.editCommentAsPerson(
      issue.id,
      commentId,
      'Looking into it: the primary is down',
    ),
  );
  keep(await sim.deleteCommentAsPerson(issue.id, commentId));
  keep(await sim.logWorkAsPerson(issue.id, 1800));
  for (const [event, kind] of Object.entries(JIRA_WEBHOOK_EVENTS) as Array<
    [JiraWebhookEvent, string | null]
  >) {
    if (
      out.some(o => o.event === event) ||
      [
        'jira:issue_deleted',
        'jira:issue_created',
        'jira:issue_updated',
      ].includes(event)
    )
      continue;
    keep(
      await sim.sendEvent(
        event,
        kind,
        sampleEntity(kind ?? '', sim.baseUrl, issue.id),
      ),
    );
  }
  keep(await sim.deleteAsPerson(issue.id));
  return out;
}
