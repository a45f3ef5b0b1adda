import type { CommentRecord, ChangelogItem, IssueRecord } from './model';
import type { Presenter } from './present';
import type { IssueStore } from './IssueStore';

/** The body of `jira:issue_created`. */
export function issueCreatedPayload(p: Presenter, store: IssueStore, issue: IssueRecord, actor: string, at: Date) {
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
  const eventType = items.some(i => i.field === 'assignee') && items.length === 1 ? 'issue_assigned' : 'issue_generic';
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
export function commentCreatedPayload(p: Presenter, issue: IssueRecord, comment: CommentRecord, at: Date) {
  const full = p.issue(issue, ['summary', 'status', 'priority', 'assignee', 'issuetype', 'updated']);
  return {
    timestamp: at.getTime(),
    webhookEvent: 'comment_created',
    comment: p.comment(comment),
    issue: full,
  };
}
