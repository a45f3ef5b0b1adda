import { jiraTime } from './time';
import type { CommentRecord, ChangelogItem, IssueRecord } from './model';
import type { Presenter } from './present';
import type { IssueStore } from './IssueStore';

/** The body of `jira:issue_created`. */
export function issueCreatedPayload(
  p: Presenter,
  store: IssueStore,
  issue: IssueRecord,
  actor: string,
  at: Date,
) {
  return {
    timestamp: at.getTime(),
    webhookEvent: 'jira:issue_created',
    issue_event_type_name: 'issue_created',
    user: p.user(store.user(actor)),
    issue: p.issue(issue),
  };
}

/** The body of `jira:issue_updated`, with the changelog of this one change. */
export function issueUpdatedPayload(
  p: Presenter,
  store: IssueStore,
  issue: IssueRecord,
  items: ChangelogItem[],
  actor: string,
  at: Date,
) {
  const eventType =
    items.some(i => i.field === 'assignee') && items.length === 1
      ? 'issue_assigned'
      : 'issue_generic';
  return {
    timestamp: at.getTime(),
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: eventType,
    user: p.user(store.user(actor)),
    issue: p.issue(issue),
    changelog: { id: store.newChangelogId(), items },
  };
}

/** The body of `comment_created`: the comment and a summary of its issue. */
export function commentCreatedPayload(
  p: Presenter,
  issue: IssueRecord,
  comment: CommentRecord,
  at: Date,
) {
  const full = p.issue(issue, [
    'summary',
    'status',
    'priority',
    'assignee',
    'issuetype',
    'updated',
  ]);
  return {
    timestamp: at.getTime(),
    webhookEvent: 'comment_created',
    comment: p.comment(comment),
    issue: full,
  };
}

/** The body of `jira:issue_deleted`: the issue as it was. */
export function issueDeletedPayload(
  p: Presenter,
  store: IssueStore,
  issue: IssueRecord,
  actor: string,
  at: Date,
) {
  return {
    timestamp: at.getTime(),
    webhookEvent: 'jira:issue_deleted',
    issue_event_type_name: 'issue_deleted',
    user: p.user(store.user(actor)),
    issue: p.issue(issue),
  };
}

/** How `jira:issue_updated` names a comment change in `issue_event_type_name`. */
const COMMENT_ISSUE_EVENT = {
  created: 'issue_commented',
  updated: 'issue_comment_edited',
  deleted: 'issue_comment_deleted',
} as const;

/** `jira:issue_updated` for a comment change: the comment rides along, no changelog. */
export function issueCommentedPayload(
  p: Presenter,
  store: IssueStore,
  issue: IssueRecord,
  comment: CommentRecord,
  change: keyof typeof COMMENT_ISSUE_EVENT,
  actor: string,
  at: Date,
) {
  return {
    timestamp: at.getTime(),
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: COMMENT_ISSUE_EVENT[change],
    user: p.user(store.user(actor)),
    issue: p.issue(issue),
    comment: p.comment(comment),
  };
}

/** The body of `comment_updated` or `comment_deleted`: the comment and a summary of its issue. */
export function commentChangedPayload(
  p: Presenter,
  issue: IssueRecord,
  comment: CommentRecord,
  change: 'updated' | 'deleted',
  at: Date,
) {
  return {
    ...commentCreatedPayload(p, issue, comment, at),
    webhookEvent: `comment_${change}`,
  };
}

/** The body of a `worklog_*` event: the worklog, which names its issue only by `issueId`. */
export function worklogPayload(
  p: Presenter,
  store: IssueStore,
  event: 'worklog_created' | 'worklog_updated' | 'worklog_deleted',
  issue: IssueRecord,
  worklog: {
    id: string;
    authorAccountId: string;
    timeSpentSeconds: number;
    comment: string;
  },
  at: Date,
) {
  const author = p.user(store.user(worklog.authorAccountId));
  const hours = Math.floor(worklog.timeSpentSeconds / 3600);
  const minutes = Math.round((worklog.timeSpentSeconds % 3600) / 60);
  return {
    timestamp: at.getTime(),
    webhookEvent: event,
    worklog: {
      self: `${p.base()}/rest/api/2/issue/${issue.id}/worklog/${worklog.id}`,
      author,
      updateAuthor: author,
      comment: worklog.comment,
      created: jiraTime(at),
      updated: jiraTime(at),
      started: jiraTime(at),
      timeSpent:
        [hours ? `${hours}h` : '', minutes ? `${minutes}m` : '']
          .filter(Boolean)
          .join(' ') || '0m',
      timeSpentSeconds: worklog.timeSpentSeconds,
      id: worklog.id,
      issueId: issue.id,
    },
  };
}

/** The body of an event about anything else: the entity under its key, or nothing for site options. */
export function entityPayload(
  event: string,
  entityKey: string | null,
  entity: Record<string, unknown>,
  at: Date,
) {
  return {
    timestamp: at.getTime(),
    webhookEvent: event,
    ...(entityKey ? { [entityKey]: entity } : {}),
  };
}
