import { type CommentRecord, type IssueRecord, type JiraUser } from './model';
import type { IssueStore } from './IssueStore';
import { jiraTime } from './time';
import { statusByName } from './workflow';

/** Turns stored records into the REST v3 shapes. */
export class Presenter {
  constructor(
    private readonly store: IssueStore,
    private readonly baseUrl: () => string,
  ) {}

  /** The site's base URL, for `self` links. */
  base(): string {
    return this.baseUrl();
  }

  user(user: JiraUser | undefined) {
    if (!user) return null;
    return {
      self: `${this.baseUrl()}/rest/api/3/user?accountId=${user.accountId}`,
      accountId: user.accountId,
      emailAddress: user.emailAddress,
      displayName: user.displayName,
      active: true,
      timeZone: 'UTC',
      accountType: 'atlassian',
    };
  }

  status(name: string) {
    const s = statusByName(name)!;
    return {
      self: `${this.baseUrl()}/rest/api/3/status/${s.id}`,
      id: s.id,
      name: s.name,
      statusCategory: {
        self: `${this.baseUrl()}/rest/api/3/statuscategory/${s.category.id}`,
        ...s.category,
      },
    };
  }

  comment(comment: CommentRecord) {
    const author = this.user(this.store.user(comment.authorAccountId));
    return {
      self: `${this.baseUrl()}/rest/api/3/issue/comment/${comment.id}`,
      id: comment.id,
      author,
      updateAuthor: author,
      body: comment.body,
      created: jiraTime(comment.created),
      updated: jiraTime(comment.updated),
      jsdPublic: comment.jsdPublic !== false,
    };
  }

  /**
   * The issue, with every field or only those asked for (`fields=summary,status`;
   * `*all` and `*navigable` mean all).
   */
  issue(issue: IssueRecord, fields?: string[]) {
    const priority = this.store.priorities.find(
      p => p.name === issue.priority,
    )!;
    const all: Record<string, unknown> = {
      summary: issue.summary,
      description: issue.description,
      priority: {
        self: `${this.baseUrl()}/rest/api/3/priority/${priority.id}`,
        ...priority,
      },
      status: this.status(issue.status),
      assignee: this.user(this.store.user(issue.assigneeAccountId)),
      reporter: this.user(this.store.user(issue.reporterAccountId)),
      labels: issue.labels,
      created: jiraTime(issue.created),
      updated: jiraTime(issue.updated),
      project: {
        id: String(10000 + [...this.store.projects].indexOf(issue.projectKey)),
        key: issue.projectKey,
      },
      issuetype: { name: issue.issueType },
      comment: {
        comments: issue.comments.map(c => this.comment(c)),
        maxResults: issue.comments.length,
        total: issue.comments.length,
        startAt: 0,
      },
    };
    const wanted =
      !fields || fields.some(f => f === '*all' || f === '*navigable')
        ? Object.keys(all)
        : fields.filter(f => f in all);
    return {
      expand:
        'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
      id: issue.id,
      self: `${this.baseUrl()}/rest/api/3/issue/${issue.id}`,
      key: issue.key,
      fields: Object.fromEntries(wanted.map(f => [f, all[f]])),
    };
  }
}
