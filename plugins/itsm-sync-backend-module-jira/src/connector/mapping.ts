import { ROUTING_ANNOTATIONS } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type {
  IncidentStatus,
  Severity,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type {
  ExternalTicket,
  PlatformIncidentFields,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { fromAdf, toAdf } from './adf';
import {
  CLASSIC_PRIORITIES,
  DEFAULT_PRIORITIES,
  type JiraSettings,
} from './settings';

/** The fields of a Jira issue the connector reads. */
export interface JiraIssue {
  id: string;
  key: string;
  self?: string;
  fields: {
    summary?: string;
    description?: unknown;
    priority?: { id?: string; name?: string } | null;
    status?: {
      id?: string;
      name?: string;
      statusCategory?: { key?: string };
    } | null;
    assignee?: { accountId?: string; displayName?: string } | null;
    labels?: string[];
    updated?: string;
    project?: { key?: string } | null;
  };
}

/** The fields asked for on every read, so the enhanced search returns them. */
export const ISSUE_FIELDS = [
  'summary',
  'description',
  'priority',
  'status',
  'assignee',
  'labels',
  'updated',
];

const LABEL_PREFIX = 'itsm-sync-';

/** The label that carries the hub's dedup key (labels cannot contain spaces). */
export function dedupLabel(dedupKey: string): string {
  return `${LABEL_PREFIX}${dedupKey.replace(/[^A-Za-z0-9_.:-]/g, '_')}`.slice(
    0,
    255,
  );
}

/** Whether an issue carries a dedup label, so the hub created it (in whatever project routing chose). */
export function createdByHub(labels: readonly string[] | undefined): boolean {
  return Boolean(labels?.some(l => l.startsWith(LABEL_PREFIX)));
}

/** Jira's `2024-01-15T10:30:00.000+0000` as ISO-8601. */
export function jiraTimeToIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** JQL's minute-precision date literal, in UTC (the API user's time zone must be UTC). */
export function jqlDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}/${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

export function priorityForSeverity(
  settings: JiraSettings,
  severity: Severity,
): string {
  return settings.priorityBySeverity[severity];
}

/** Priority names of both Jira schemes, read level for level; the lowest level of each reads as SEV-4. */
const PRIORITY_NAMES: Record<string, Severity> = {
  ...Object.fromEntries(
    Object.entries(DEFAULT_PRIORITIES).map(([severity, name]) => [
      name.toLowerCase(),
      severity as Severity,
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(CLASSIC_PRIORITIES).map(([severity, name]) => [
      name.toLowerCase(),
      severity as Severity,
    ]),
  ),
  lowest: 'SEV-4',
  trivial: 'SEV-4',
};

/**
 * The severity a priority name means: the configured map first, then the names of
 * Jira's default (Highest..Lowest) and classic (Blocker..Trivial) schemes.
 */
export function severityForPriority(
  settings: JiraSettings,
  priority: string | undefined,
): Severity | undefined {
  if (!priority) return undefined;
  const entry = Object.entries(settings.priorityBySeverity).find(
    ([, name]) => name.toLowerCase() === priority.toLowerCase(),
  );
  if (entry) return entry[0] as Severity;
  return PRIORITY_NAMES[priority.trim().toLowerCase()];
}

/** The platform status a Jira status means, falling back to its status category. */
export function platformStatusFor(
  settings: JiraSettings,
  status:
    { name?: string; statusCategory?: { key?: string } } | null | undefined,
): IncidentStatus | undefined {
  if (!status?.name) return undefined;
  const name = status.name.toLowerCase();
  for (const [platform, names] of Object.entries(settings.statusesByPlatform)) {
    if (names.some(n => n.toLowerCase() === name))
      return platform as IncidentStatus;
  }
  const category = status.statusCategory?.key;
  if (category === 'new' || category === 'indeterminate') return 'open';
  if (category === 'done') return 'resolved';
  return undefined;
}

/** Whether a Jira status name counts as the given platform status. */
export function statusMeans(
  settings: JiraSettings,
  jiraStatus: string,
  platform: IncidentStatus,
): boolean {
  return settings.statusesByPlatform[platform].some(
    n => n.toLowerCase() === jiraStatus.toLowerCase(),
  );
}

/** A Jira issue in platform vocabulary. */
export function toExternalTicket(
  settings: JiraSettings,
  issue: JiraIssue,
  siteUrl: string,
): ExternalTicket {
  const f = issue.fields ?? {};
  const fields: Partial<PlatformIncidentFields> = {};
  if (f.summary !== undefined) fields.title = f.summary;
  if (f.description !== undefined) fields.description = fromAdf(f.description);
  const severity = severityForPriority(settings, f.priority?.name);
  if (severity) fields.severity = severity;
  const status = platformStatusFor(settings, f.status);
  if (status) fields.status = status;
  if (f.assignee !== undefined)
    fields.assigned_to = f.assignee?.accountId ?? null;
  const dedup = f.labels?.find(l => l.startsWith(LABEL_PREFIX));
  // The project is the key's prefix (OPS-12): the entity annotated with it is the incident's (docs/DESIGN.md, "Routing").
  const project = /^([A-Z][A-Z0-9_]*)-\d+$/i.exec(issue.key)?.[1];
  return {
    externalId: issue.id,
    externalKey: issue.key,
    url: `${siteUrl.replace(/\/+$/, '')}/browse/${issue.key}`,
    fields,
    updatedAt: jiraTimeToIso(f.updated) ?? new Date().toISOString(),
    dedupKey: dedup ? dedup.slice(LABEL_PREFIX.length) : undefined,
    ...(project
      ? {
          catalogKeys: [
            { annotation: ROUTING_ANNOTATIONS.jiraProjectKey, value: project },
          ],
        }
      : {}),
  };
}

/**
 * Platform changes as the Jira `fields` of an edit. Status is not among them: Jira
 * changes status only through a workflow transition.
 */
export function toJiraFields(
  settings: JiraSettings,
  changes: Partial<PlatformIncidentFields>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (changes.title !== undefined) out.summary = changes.title;
  if (changes.description !== undefined)
    out.description = changes.description ? toAdf(changes.description) : null;
  if (changes.severity !== undefined)
    out.priority = { name: priorityForSeverity(settings, changes.severity) };
  if (changes.assigned_to !== undefined)
    out.assignee = changes.assigned_to
      ? { accountId: changes.assigned_to }
      : null;
  return out;
}

/** One item of a webhook's `changelog.items`. */
export interface ChangelogItem {
  field?: string;
  fieldId?: string;
  from?: string | null;
  fromString?: string | null;
  to?: string | null;
  toString?: string | null;
}

/**
 * The platform fields a changelog says changed, with their new values. Values come from
 * the changelog itself, so a later edit in the same payload's `issue` does not leak in.
 */
export function changedFieldsFromChangelog(
  settings: JiraSettings,
  items: ChangelogItem[],
  issue: JiraIssue | undefined,
): Partial<PlatformIncidentFields> {
  const out: Partial<PlatformIncidentFields> = {};
  for (const item of items) {
    const field = (item.fieldId ?? item.field ?? '').toLowerCase();
    const to = item.toString ?? null;
    switch (field) {
      case 'summary':
        if (to !== null) out.title = to;
        break;
      case 'description':
        // The changelog carries wiki text; the issue carries the ADF the hub maps exactly.
        out.description =
          issue?.fields?.description !== undefined
            ? fromAdf(issue.fields.description)
            : (to ?? '');
        break;
      case 'priority': {
        const severity = severityForPriority(settings, to ?? undefined);
        if (severity) out.severity = severity;
        break;
      }
      case 'status': {
        const category =
          issue?.fields?.status?.name?.toLowerCase() === to?.toLowerCase()
            ? issue?.fields?.status?.statusCategory
            : undefined;
        const status = platformStatusFor(settings, {
          name: to ?? undefined,
          statusCategory: category,
        });
        if (status) out.status = status;
        break;
      }
      case 'assignee':
        out.assigned_to = item.to ?? null;
        break;
      default:
        break;
    }
  }
  return out;
}
