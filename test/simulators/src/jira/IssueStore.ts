import { adfToText, isAdfDoc, type AdfDoc } from './adf';
import {
  ISSUE_TYPES,
  PRIORITY_SCHEMES,
  type PriorityScheme,
  type ChangelogItem,
  type CommentRecord,
  type IssueRecord,
  type JiraUser,
} from './model';
import { INITIAL_STATUS, statusByName, transitionsFrom } from './workflow';

/** A refused write, answered 400 with Jira's error body. */
export class JiraInputError extends Error {
  constructor(
    readonly messages: string[],
    readonly fieldErrors: Record<string, string> = {},
  ) {
    super([...messages, ...Object.values(fieldErrors)].join('; '));
  }
}

/** Fields a create or an edit may set, in the REST API's shape. */
export interface IssueFieldsInput {
  project?: { key?: string; id?: string };
  issuetype?: { name?: string; id?: string };
  summary?: unknown;
  description?: unknown;
  priority?: { name?: string; id?: string } | null;
  assignee?: { accountId?: string | null } | null;
  labels?: unknown;
  status?: unknown;
}

const LABEL = /^[^\s]{1,255}$/;

/** The store's contents as plain JSON. */
export interface IssueStoreSnapshot {
  issues: IssueRecord[];
  users: JiraUser[];
  projects: string[];
  counters: { nextId: number; nextComment: number; nextChangelog: number };
  keyCounters: Array<[string, number]>;
}

/** The issues, users and projects of one simulated Jira site. */
export class IssueStore {
  readonly issues = new Map<string, IssueRecord>();
  readonly users = new Map<string, JiraUser>();
  readonly projects = new Set<string>();
  private nextId = 10000;
  private nextComment = 10000;
  private nextChangelog = 10000;
  private readonly keyCounters = new Map<string, number>();

  /** The site's priorities, highest first. */
  readonly priorities: ReadonlyArray<{ id: string; name: string }>;

  constructor(
    private readonly now: () => Date,
    scheme: PriorityScheme = 'default',
  ) {
    this.priorities = PRIORITY_SCHEMES[scheme];
  }

  /** By numeric id or key (`OPS-12`), as Jira resolves `{issueIdOrKey}`. */
  get(idOrKey: string): IssueRecord | undefined {
    const direct = this.issues.get(idOrKey);
    if (direct) return direct;
    const upper = idOrKey.toUpperCase();
    for (const issue of this.issues.values())
      if (issue.key === upper) return issue;
    return undefined;
  }

  user(accountId: string | null): JiraUser | undefined {
    return accountId ? this.users.get(accountId) : undefined;
  }

  newChangelogId(): string {
    return String(this.nextChangelog++);
  }

  create(fields: IssueFieldsInput, reporter: string): IssueRecord {
    const errors: Record<string, string> = {};
    const projectKey = fields.project?.key?.toUpperCase();
    if (!projectKey || !this.projects.has(projectKey))
      errors.project = 'Specify a valid project ID or key';
    const type = ISSUE_TYPES.find(
      t => t.name === fields.issuetype?.name || t.id === fields.issuetype?.id,
    );
    if (!type) errors.issuetype = 'Specify an issue type';
    if (typeof fields.summary !== 'string' || !fields.summary.trim())
      errors.summary = 'You must specify a summary of the issue.';
    if (fields.status !== undefined) {
      errors.status =
        "Field 'status' cannot be set. It is not on the appropriate screen, or unknown.";
    }
    const priority =
      fields.priority === undefined
        ? this.priorities[2]
        : this.priority(fields.priority, errors);
    const description = this.description(fields.description, errors);
    const assignee =
      fields.assignee === undefined
        ? null
        : this.assignee(fields.assignee, errors);
    const labels =
      fields.labels === undefined ? [] : this.labels(fields.labels, errors);
    if (Object.keys(errors).length) throw new JiraInputError([], errors);

    const count = (this.keyCounters.get(projectKey!) ?? 0) + 1;
    this.keyCounters.set(projectKey!, count);
    const now = this.now();
    const issue: IssueRecord = {
      id: String(this.nextId++),
      key: `${projectKey}-${count}`,
      projectKey: projectKey!,
      issueType: type!.name,
      summary: (fields.summary as string).trim(),
      description,
      priority: priority?.name ?? this.priorities[2].name,
      status: INITIAL_STATUS,
      assigneeAccountId: assignee ?? null,
      reporterAccountId: reporter,
      labels,
      created: now,
      updated: now,
      comments: [],
    };
    this.issues.set(issue.id, issue);
    return issue;
  }

  /** Applies an edit and returns its changelog items (empty when nothing changed). */
  edit(issue: IssueRecord, fields: IssueFieldsInput): ChangelogItem[] {
    const errors: Record<string, string> = {};
    const allowed = [
      'summary',
      'description',
      'priority',
      'assignee',
      'labels',
    ];
    for (const key of Object.keys(fields)) {
      if (!allowed.includes(key)) {
        errors[key] =
          `Field '${key}' cannot be set. It is not on the appropriate screen, or unknown.`;
      }
    }
    if (
      'summary' in fields &&
      (typeof fields.summary !== 'string' || !fields.summary.trim())
    ) {
      errors.summary = 'You must specify a summary of the issue.';
    }
    const description =
      'description' in fields
        ? this.description(fields.description, errors)
        : issue.description;
    const priority =
      'priority' in fields ? this.priority(fields.priority, errors) : undefined;
    const assignee =
      'assignee' in fields
        ? this.assignee(fields.assignee, errors)
        : issue.assigneeAccountId;
    const labels =
      'labels' in fields ? this.labels(fields.labels, errors) : issue.labels;
    if (Object.keys(errors).length) throw new JiraInputError([], errors);

    const items: ChangelogItem[] = [];
    const item = (
      field: string,
      from: string | null,
      fromString: string | null,
      to: string | null,
      toString: string | null,
    ) =>
      items.push({
        field,
        fieldtype: 'jira',
        fieldId: field,
        from,
        fromString,
        to,
        toString,
      });
    if (
      typeof fields.summary === 'string' &&
      fields.summary.trim() !== issue.summary
    ) {
      item('summary', null, issue.summary, null, fields.summary.trim());
      issue.summary = fields.summary.trim();
    }
    if (
      'description' in fields &&
      adfToText(description) !== adfToText(issue.description)
    ) {
      item(
        'description',
        null,
        adfToText(issue.description) || null,
        null,
        adfToText(description) || null,
      );
      issue.description = description;
    }
    if (priority && priority.name !== issue.priority) {
      const old = this.priorities.find(p => p.name === issue.priority)!;
      item('priority', old.id, old.name, priority.id, priority.name);
      issue.priority = priority.name;
    }
    if (assignee !== issue.assigneeAccountId) {
      const from = this.user(issue.assigneeAccountId);
      const to = this.user(assignee);
      item(
        'assignee',
        from?.accountId ?? null,
        from?.displayName ?? null,
        to?.accountId ?? null,
        to?.displayName ?? null,
      );
      issue.assigneeAccountId = assignee;
    }
    if (labels.join(' ') !== issue.labels.join(' ')) {
      item('labels', null, issue.labels.join(' '), null, labels.join(' '));
      issue.labels = labels;
    }
    if (items.length) issue.updated = this.now();
    return items;
  }

  /** Runs one workflow transition of the issue's current status. */
  transition(issue: IssueRecord, transitionId: string): ChangelogItem[] {
    const transition = transitionsFrom(issue.status).find(
      t => t.id === transitionId,
    );
    if (!transition) {
      throw new JiraInputError([
        `Transition id '${transitionId}' is not valid for this issue.`,
      ]);
    }
    const from = statusByName(issue.status)!;
    const to = statusByName(transition.to)!;
    issue.status = to.name;
    issue.updated = this.now();
    return [
      {
        field: 'status',
        fieldtype: 'jira',
        fieldId: 'status',
        from: from.id,
        fromString: from.name,
        to: to.id,
        toString: to.name,
      },
    ];
  }

  addComment(
    issue: IssueRecord,
    body: unknown,
    author: string,
    options: { internal?: boolean } = {},
  ): CommentRecord {
    if (!isAdfDoc(body)) {
      throw new JiraInputError([], {
        comment: 'Comment body must be an Atlassian Document Format document.',
      });
    }
    if (!adfToText(body).trim())
      throw new JiraInputError([], {
        comment: 'Comment body can not be empty!',
      });
    const now = this.now();
    const comment: CommentRecord = {
      id: String(this.nextComment++),
      authorAccountId: author,
      body,
      created: now,
      updated: now,
      jsdPublic: !options.internal,
    };
    issue.comments.push(comment);
    issue.updated = now;
    return comment;
  }

  /** Everything the store holds, as plain JSON (dates as ISO strings), for a simulator kept across restarts. */
  snapshot(): IssueStoreSnapshot {
    return {
      issues: [...this.issues.values()],
      users: [...this.users.values()],
      projects: [...this.projects],
      counters: {
        nextId: this.nextId,
        nextComment: this.nextComment,
        nextChangelog: this.nextChangelog,
      },
      keyCounters: [...this.keyCounters],
    };
  }

  /** Replaces the store's contents with a snapshot's, JSON-parsed or not. */
  restore(snapshot: IssueStoreSnapshot) {
    const dates = <
      T extends { created: Date | string; updated: Date | string },
    >(
      r: T,
    ) => ({ ...r, created: new Date(r.created), updated: new Date(r.updated) });
    this.issues.clear();
    for (const issue of snapshot.issues)
      this.issues.set(issue.id, {
        ...dates(issue),
        comments: issue.comments.map(dates),
      });
    this.users.clear();
    for (const user of snapshot.users) this.users.set(user.accountId, user);
    this.projects.clear();
    for (const project of snapshot.projects) this.projects.add(project);
    ({
      nextId: this.nextId,
      nextComment: this.nextComment,
      nextChangelog: this.nextChangelog,
    } = snapshot.counters);
    this.keyCounters.clear();
    for (const [project, counter] of snapshot.keyCounters)
      this.keyCounters.set(project, counter);
  }

  /** Replaces a comment's body; only its author may, as in Jira's default permissions. */
  editComment(
    issue: IssueRecord,
    commentId: string,
    body: unknown,
    editor: string,
  ): CommentRecord {
    const comment = this.comment(issue, commentId);
    if (comment.authorAccountId !== editor)
      throw new JiraInputError([
        'You do not have the permission to edit this comment.',
      ]);
    if (!isAdfDoc(body) || !adfToText(body).trim())
      throw new JiraInputError([], {
        comment: 'Comment body can not be empty!',
      });
    comment.body = body;
    comment.updated = this.now();
    issue.updated = comment.updated;
    return comment;
  }

  /** Removes a comment and answers it as it was. */
  deleteComment(issue: IssueRecord, commentId: string): CommentRecord {
    const comment = this.comment(issue, commentId);
    issue.comments = issue.comments.filter(c => c !== comment);
    issue.updated = this.now();
    return comment;
  }

  /** Removes an issue and answers it as it was. */
  delete(issue: IssueRecord): IssueRecord {
    this.issues.delete(issue.id);
    return issue;
  }

  private comment(issue: IssueRecord, commentId: string): CommentRecord {
    const comment = issue.comments.find(c => c.id === commentId);
    if (!comment)
      throw new JiraInputError([
        `Can not find a comment for the id: ${commentId}.`,
      ]);
    return comment;
  }

  private priority(
    value: IssueFieldsInput['priority'],
    errors: Record<string, string>,
  ) {
    const found = this.priorities.find(
      p =>
        (value?.name && p.name === value.name) ||
        (value?.id && p.id === value.id),
    );
    if (!found) {
      errors.priority = value?.name
        ? `Priority name '${value.name}' is not valid`
        : 'Specify the Priority (name or id)';
    }
    return found;
  }

  private description(
    value: unknown,
    errors: Record<string, string>,
  ): AdfDoc | null {
    if (value === null || value === undefined) return null;
    if (!isAdfDoc(value)) {
      errors.description =
        'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
      return null;
    }
    return value;
  }

  private assignee(
    value: IssueFieldsInput['assignee'],
    errors: Record<string, string>,
  ): string | null {
    const accountId = value?.accountId ?? null;
    if (accountId === null) return null;
    if (!this.users.has(accountId))
      errors.assignee = `User '${accountId}' cannot be assigned issues.`;
    return accountId;
  }

  private labels(value: unknown, errors: Record<string, string>): string[] {
    if (
      !Array.isArray(value) ||
      value.some(l => typeof l !== 'string' || !LABEL.test(l))
    ) {
      errors.labels =
        'Labels must be strings without spaces, at most 255 characters.';
      return [];
    }
    return [...new Set(value as string[])];
  }
}
