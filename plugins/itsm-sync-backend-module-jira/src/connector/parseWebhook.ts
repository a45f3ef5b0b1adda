import { createHash } from 'node:crypto';
import {
  WebhookParseError,
  type IgnoredWebhookEvent,
  type NormalizedChange,
  type ParsedWebhook,
  type WebhookRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { visibilityOfComment } from './noteChannels';
import { fromAdf } from './adf';
import {
  changedFieldsFromChangelog,
  createdByHub,
  toExternalTicket,
  type ChangelogItem,
  type JiraIssue,
} from './mapping';
import type { JiraSettings } from './settings';

type JiraAuthor = {
  accountId?: string;
  displayName?: string;
  emailAddress?: string;
};

interface JiraComment {
  id?: string;
  body?: unknown;
  author?: JiraAuthor;
  updateAuthor?: JiraAuthor;
  updated?: string;
  /** Jira Service Management: true for a comment shared with the customer. */
  jsdPublic?: boolean;
}

interface JiraWebhookPayload {
  webhookEvent: string;
  timestamp?: number;
  issue_event_type_name?: string;
  user?: { accountId?: string; displayName?: string };
  issue?: JiraIssue;
  changelog?: { id?: string; items?: ChangelogItem[] };
  comment?: JiraComment;
}

/** The events the hub acts on: issues and their comments. */
export const ACTED_ON_JIRA_EVENTS = [
  'jira:issue_created',
  'jira:issue_updated',
  'jira:issue_deleted',
  'comment_created',
  'comment_updated',
  'comment_deleted',
] as const;

/**
 * Why the hub acknowledges the other events of Jira Cloud's catalogue without acting on
 * them, by the part of the name that says what they are about (README "Webhook events").
 */
const IGNORED_JIRA_EVENT_GROUPS: Array<[RegExp, string]> = [
  [/^worklog_/, 'work logs are not synced'],
  [/^attachment_/, 'attachments are not synced'],
  [/^issuelink_/, 'issue links are not synced'],
  [/^issue_property_/, 'issue properties are not synced'],
  [
    /^(issuetype_|project_|jira:version_|user_|option_|sprint_|board_|filter_)/,
    'Jira configuration events name no incident',
  ],
];

/** Why an event of the catalogue the hub does not act on is ignored; undefined for the ones it acts on. */
export function ignoredJiraEventReason(
  webhookEvent: string,
): string | undefined {
  if ((ACTED_ON_JIRA_EVENTS as readonly string[]).includes(webhookEvent))
    return undefined;
  return (
    IGNORED_JIRA_EVENT_GROUPS.find(([pattern]) =>
      pattern.test(webhookEvent),
    )?.[1] ?? 'not an event of the Jira Cloud webhook catalogue the hub knows'
  );
}

/**
 * A stable hash of what identifies the event in the body. Jira's
 * `X-Atlassian-Webhook-Identifier` header is signed by neither scheme (X-Hub-Signature covers
 * the body, a Connect JWT the method and URL), so a replay could change it to pass as new:
 * it is never the dedup key.
 */
function eventIdOf(
  _request: WebhookRequest,
  payload: Partial<JiraWebhookPayload>,
): string {
  const parts = [
    payload.webhookEvent,
    payload.issue?.id,
    payload.timestamp,
    payload.changelog?.id,
    payload.comment?.id,
  ];
  return `jira-${createHash('sha256')
    .update(parts.map(p => String(p ?? '')).join('|'))
    .digest('hex')
    .slice(0, 32)}`;
}

/**
 * A comment change's event id, the same whichever event carries it: Jira sends a comment
 * both in `comment_*` and inside `jira:issue_updated`, and a webhook may subscribe to both,
 * so the second is a duplicate in the inbox rather than a second note.
 */
function commentEventId(
  change: 'created' | 'updated' | 'deleted',
  comment: JiraComment,
): string {
  const version = change === 'updated' ? `-${comment.updated ?? ''}` : '';
  return `jira-comment-${comment.id}-${change}${version}`;
}

/** How `jira:issue_updated` names a comment change in `issue_event_type_name`. */
const COMMENT_CHANGES: Record<string, 'created' | 'updated' | 'deleted'> = {
  issue_commented: 'created',
  issue_comment_edited: 'updated',
  issue_comment_deleted: 'deleted',
};

function decode(rawBody: Buffer): JiraWebhookPayload {
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookParseError('body is not JSON');
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload))
    throw new WebhookParseError('body is not a JSON object');
  const p = payload as JiraWebhookPayload;
  if (typeof p.webhookEvent !== 'string' || !p.webhookEvent)
    throw new WebhookParseError('webhookEvent is missing');
  return p;
}

/** Why an issue event's `issue` cannot be read, if it cannot. */
function unreadableIssue(p: JiraWebhookPayload): string | undefined {
  if (
    !p.issue ||
    (typeof p.issue.id !== 'string' && typeof p.issue.id !== 'number')
  )
    return 'the event carries no issue id';
  const fields = (p.issue as { fields?: unknown }).fields;
  if (
    fields !== undefined &&
    (fields === null || typeof fields !== 'object' || Array.isArray(fields))
  )
    return 'issue.fields is not an object';
  const labels = (fields as { labels?: unknown } | undefined)?.labels;
  if (
    labels !== undefined &&
    labels !== null &&
    (!Array.isArray(labels) || labels.some(l => typeof l !== 'string'))
  ) {
    return 'issue.fields.labels is not a list of strings';
  }
  if (p.changelog?.items !== undefined && !Array.isArray(p.changelog.items))
    return 'changelog.items is not a list';
  return undefined;
}

/** The project an issue is in: its `project` field, else its key's prefix. */
function projectOf(issue: JiraIssue): string | undefined {
  return (
    issue.fields?.project?.key ??
    (typeof issue.key === 'string' ? issue.key.replace(/-\d+$/, '') : undefined)
  );
}

/**
 * A verified Jira webhook as normalised changes (README "Webhook events"):
 * `jira:issue_created` (the whole issue: a new incident unless the hub made it),
 * `jira:issue_updated` (the fields its changelog names, and a comment it carries),
 * `comment_created` / `comment_updated` (a note), `comment_deleted` (a timeline line),
 * `jira:issue_deleted` (the link is gone, and a timeline line). Events about other things, and issues outside
 * the integration's project, are acknowledged with the reason. `isOwnComment` tells
 * comments the hub itself wrote, which must not come back as notes.
 */
export function parseJiraWebhook(
  settings: JiraSettings,
  siteUrl: string,
  request: WebhookRequest,
  isOwnComment: (author: JiraAuthor | undefined) => boolean = () => false,
  rawSettings: Record<string, unknown> = {},
): ParsedWebhook {
  const payload = decode(request.rawBody);
  const eventId = eventIdOf(request, payload);
  const ignore = (reason: string, externalId?: string): ParsedWebhook => ({
    changes: [],
    ignored: [
      {
        eventType: payload.webhookEvent,
        reason,
        eventId,
        ...(externalId ? { externalId } : {}),
      } satisfies IgnoredWebhookEvent,
    ],
  });
  const ignoredReason = ignoredJiraEventReason(payload.webhookEvent);
  if (ignoredReason) return ignore(ignoredReason);
  const unreadable = unreadableIssue(payload);
  if (unreadable) return ignore(unreadable);
  const issue = payload.issue!;
  issue.id = String(issue.id);
  const project = projectOf(issue);
  // An issue the hub created stays in sync in the project routing put it in (docs/connectors/jira.md#ticket-creation-and-dedup).
  if (
    project &&
    project.toUpperCase() !== settings.projectKey &&
    !createdByHub(issue.fields?.labels)
  ) {
    return ignore(
      `the issue is outside the integration's project ${settings.projectKey}`,
      issue.id,
    );
  }
  const occurredAt = new Date(
    typeof payload.timestamp === 'number' ? payload.timestamp : Date.now(),
  ).toISOString();
  const base = {
    eventId,
    externalId: issue.id,
    externalKey: issue.key,
    occurredAt,
    actor:
      payload.user?.displayName ??
      payload.comment?.updateAuthor?.displayName ??
      payload.comment?.author?.displayName,
  };

  /** A comment change as a note or a timeline line, or why it is ignored. */
  const commentChange = (
    change: 'created' | 'updated' | 'deleted',
  ): NormalizedChange | IgnoredWebhookEvent => {
    const comment = payload.comment;
    if (!comment?.id)
      return {
        eventType: payload.webhookEvent,
        reason: 'the event carries no comment',
        eventId,
        externalId: issue.id,
      };
    const author = comment.updateAuthor ?? comment.author;
    const id = commentEventId(change, comment);
    if (change !== 'deleted' && isOwnComment(author)) {
      return {
        eventType: payload.webhookEvent,
        reason: 'a comment the hub wrote itself',
        eventId,
        externalId: issue.id,
      };
    }
    if (change === 'deleted') {
      const by = comment.author?.displayName
        ? ` by ${comment.author.displayName}`
        : '';
      return {
        ...base,
        eventId: id,
        kind: 'event',
        fields: {},
        timeline: `A comment${by} was deleted in Jira issue ${issue.key ?? issue.id}`,
      };
    }
    const text = fromAdf(comment.body).trim();
    if (!text)
      return {
        eventType: payload.webhookEvent,
        reason: 'the comment has no text',
        eventId,
        externalId: issue.id,
      };
    // An edit arrives as a note of its own: the notes already sent elsewhere cannot be edited.
    const noteText =
      change === 'updated' ? `Comment edited in Jira: ${text}` : text;
    return {
      ...base,
      eventId: id,
      kind: 'note',
      fields: {},
      note: {
        text: noteText,
        author: author?.displayName,
        visibility: visibilityOfComment(rawSettings, comment.jsdPublic),
        externalNoteId: String(comment.id),
      },
    };
  };
  const asParsed = (
    ...results: Array<NormalizedChange | IgnoredWebhookEvent>
  ): ParsedWebhook => ({
    changes: results.filter(
      (r): r is NormalizedChange => 'externalId' in r && 'kind' in r,
    ),
    ignored: results.filter((r): r is IgnoredWebhookEvent => 'reason' in r),
  });

  switch (payload.webhookEvent) {
    case 'jira:issue_created': {
      const ticket = toExternalTicket(settings, issue, siteUrl);
      // An issue the hub created (it carries the dedup label) is not a new incident.
      if (ticket.dedupKey)
        return asParsed({
          ...base,
          kind: 'updated',
          fields: ticket.fields,
          ticket,
        });
      if (!settings.inboundCreate)
        return ignore(
          'inbound creation is turned off (settings.inbound_create)',
          issue.id,
        );
      return asParsed({
        ...base,
        kind: 'created',
        fields: ticket.fields,
        ticket,
      });
    }
    case 'jira:issue_updated': {
      const results: Array<NormalizedChange | IgnoredWebhookEvent> = [];
      const fields = changedFieldsFromChangelog(
        settings,
        payload.changelog?.items ?? [],
        issue,
      );
      if (Object.keys(fields).length)
        results.push({ ...base, kind: 'updated', fields });
      const name = String(payload.issue_event_type_name ?? '');
      // Own keys only: a name such as `constructor` must not find Object's.
      const commentKind = Object.hasOwn(COMMENT_CHANGES, name)
        ? COMMENT_CHANGES[name]
        : undefined;
      if (payload.comment && commentKind)
        results.push(commentChange(commentKind));
      if (!results.length)
        return ignore('the update changes no synced field', issue.id);
      return asParsed(...results);
    }
    case 'comment_created':
      return asParsed(commentChange('created'));
    case 'comment_updated':
      return asParsed(commentChange('updated'));
    case 'comment_deleted':
      return asParsed(commentChange('deleted'));
    case 'jira:issue_deleted':
      // The hub marks the link gone and sends nothing more to the issue.
      return asParsed({
        ...base,
        kind: 'deleted',
        fields: {},
        timeline: `Jira issue ${issue.key ?? issue.id} was deleted`,
      });
    default:
      return ignore(
        'not an event of the Jira Cloud webhook catalogue the hub knows',
      );
  }
}
