import { createHash } from 'node:crypto';
import { WebhookParseError, type NormalizedChange, type WebhookRequest } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { fromAdf } from './adf';
import { changedFieldsFromChangelog, toExternalTicket, type ChangelogItem, type JiraIssue } from './mapping';
import type { JiraSettings } from './settings';

interface JiraWebhookPayload {
  webhookEvent?: string;
  timestamp?: number;
  issue_event_type_name?: string;
  user?: { accountId?: string; displayName?: string };
  issue?: JiraIssue;
  changelog?: { id?: string; items?: ChangelogItem[] };
  comment?: { id?: string; body?: unknown; author?: { accountId?: string; displayName?: string; emailAddress?: string } };
}

/** The delivery id Jira sends, else a stable hash of what identifies the event. */
export function eventIdOf(request: WebhookRequest, payload: JiraWebhookPayload): string {
  const delivery = request.headers['x-atlassian-webhook-identifier']?.trim();
  if (delivery) return delivery;
  const parts = [payload.webhookEvent, payload.issue?.id, payload.timestamp, payload.changelog?.id, payload.comment?.id];
  return `jira-${createHash('sha256').update(parts.map(p => String(p ?? '')).join('|')).digest('hex').slice(0, 32)}`;
}

function decode(rawBody: Buffer): JiraWebhookPayload {
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookParseError('body is not JSON');
  }
  if (!payload || typeof payload !== 'object') throw new WebhookParseError('body is not a JSON object');
  const p = payload as JiraWebhookPayload;
  if (typeof p.webhookEvent !== 'string') throw new WebhookParseError('webhookEvent is missing');
  if (!p.issue || (typeof p.issue.id !== 'string' && typeof p.issue.id !== 'number')) {
    throw new WebhookParseError(`${p.webhookEvent} carries no issue id`);
  }
  const fields = (p.issue as { fields?: unknown }).fields;
  if (fields !== undefined && (fields === null || typeof fields !== 'object' || Array.isArray(fields))) {
    throw new WebhookParseError('issue.fields must be an object');
  }
  const labels = (fields as { labels?: unknown } | undefined)?.labels;
  if (labels !== undefined && labels !== null && (!Array.isArray(labels) || labels.some(l => typeof l !== 'string'))) {
    throw new WebhookParseError('issue.fields.labels must be a list of strings');
  }
  if (p.changelog?.items !== undefined && !Array.isArray(p.changelog.items)) {
    throw new WebhookParseError('changelog.items must be a list');
  }
  p.issue.id = String(p.issue.id);
  return p;
}

/**
 * A verified Jira webhook as normalised changes: `jira:issue_created` (the whole issue),
 * `jira:issue_updated` (the fields its changelog names), `comment_created` (a note),
 * `jira:issue_deleted` (a timeline line). Other events carry nothing to sync.
 * `isOwnComment` tells comments the hub itself wrote, which must not come back as notes.
 */
export function parseJiraWebhook(
  settings: JiraSettings,
  siteUrl: string,
  request: WebhookRequest,
  isOwnComment: (author: NonNullable<JiraWebhookPayload['comment']>['author']) => boolean = () => false,
): NormalizedChange[] {
  const payload = decode(request.rawBody);
  const issue = payload.issue!;
  const occurredAt = new Date(typeof payload.timestamp === 'number' ? payload.timestamp : Date.now()).toISOString();
  const base = {
    eventId: eventIdOf(request, payload),
    externalId: issue.id,
    externalKey: issue.key,
    occurredAt,
    actor: payload.user?.displayName ?? payload.comment?.author?.displayName,
  };
  switch (payload.webhookEvent) {
    case 'jira:issue_created': {
      const ticket = toExternalTicket(settings, issue, siteUrl);
      // An issue the hub created (it carries the dedup label) is not a new incident.
      const kind = ticket.dedupKey ? 'updated' : 'created';
      return [{ ...base, kind, fields: ticket.fields, ticket }];
    }
    case 'jira:issue_updated': {
      const items = payload.changelog?.items ?? [];
      const fields = changedFieldsFromChangelog(settings, items, issue);
      // A comment also fires issue_updated with an empty changelog; comment_created carries it.
      if (!Object.keys(fields).length) return [];
      return [{ ...base, kind: 'updated', fields }];
    }
    case 'comment_created': {
      if (!payload.comment) throw new WebhookParseError('comment_created carries no comment');
      if (isOwnComment(payload.comment.author)) return [];
      const text = fromAdf(payload.comment.body);
      if (!text.trim()) return [];
      return [{ ...base, kind: 'note', fields: {}, note: { text, author: payload.comment.author?.displayName } }];
    }
    case 'jira:issue_deleted':
      return [{ ...base, kind: 'event', fields: {}, timeline: `Jira issue ${issue.key ?? issue.id} was deleted` }];
    default:
      return [];
  }
}
