import type { AdfDoc } from './adf';

/** A Jira user as the simulator knows it. */
export interface JiraUser {
  accountId: string;
  displayName: string;
  emailAddress: string;
}

export interface CommentRecord {
  id: string;
  authorAccountId: string;
  body: AdfDoc;
  created: Date;
  updated: Date;
  /**
   * Jira Service Management: false for an internal comment (agents only), set by the
   * `sd.public.comment` property `{internal: true}` when the comment is added.
   */
  jsdPublic?: boolean;
}

/** An issue as stored; `present.ts` turns it into the REST shape. */
export interface IssueRecord {
  id: string;
  key: string;
  projectKey: string;
  issueType: string;
  summary: string;
  description: AdfDoc | null;
  priority: string;
  status: string;
  assigneeAccountId: string | null;
  reporterAccountId: string;
  labels: string[];
  created: Date;
  updated: Date;
  comments: CommentRecord[];
}

/** Jira Cloud's default priority scheme. */
export const PRIORITIES = [
  { id: '1', name: 'Highest' },
  { id: '2', name: 'High' },
  { id: '3', name: 'Medium' },
  { id: '4', name: 'Low' },
  { id: '5', name: 'Lowest' },
];

/** The classic scheme of older sites and projects that kept it: Blocker to Trivial. */
export const CLASSIC_PRIORITIES = [
  { id: '1', name: 'Blocker' },
  { id: '2', name: 'Critical' },
  { id: '3', name: 'Major' },
  { id: '4', name: 'Minor' },
  { id: '5', name: 'Trivial' },
];

/** The priorities of a site, by scheme. */
export const PRIORITY_SCHEMES = {
  default: PRIORITIES,
  classic: CLASSIC_PRIORITIES,
} as const;
export type PriorityScheme = keyof typeof PRIORITY_SCHEMES;

export const ISSUE_TYPES = [
  { id: '10004', name: 'Incident' },
  { id: '10005', name: 'Service request' },
  { id: '10001', name: 'Task' },
  { id: '10002', name: 'Bug' },
];

/** One changelog item, as in `jira:issue_updated` webhooks. */
export interface ChangelogItem {
  field: string;
  fieldtype: 'jira';
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}
