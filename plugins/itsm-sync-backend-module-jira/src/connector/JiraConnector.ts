import { toError } from '@backstage/errors';
import { jiraSettings } from './settingsSchema';
import type { FieldOwnershipRule } from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  ConnectorError,
  formatNoteForVendor,
  validateNoteChannels,
  type AddedNote,
  type ChangedTicketsPage,
  type ConnectorCapabilities,
  type ConnectorContext,
  type ConnectorMappingDescription,
  type CreateTicketInput,
  type ExternalTicket,
  type IncidentNote,
  type ItsmConnector,
  type UpdateTicketInput,
  type WebhookRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { toAdf } from './adf';
import { jiraClient } from './client';
import {
  dedupLabel,
  ISSUE_FIELDS,
  jqlDate,
  priorityForSeverity,
  toExternalTicket,
  toJiraFields,
  type JiraIssue,
} from './mapping';
import { ownershipFieldMap } from './ownership';
import { parseJiraWebhook } from './parseWebhook';
import { COMMENT_CHANNELS, commentPropertiesFor } from './noteChannels';
import { DEFAULT_PRIORITIES, DEFAULT_STATUSES, readSettings } from './settings';
import { transitionTo } from './transitions';
import { verifyJiraWebhook } from './verifyWebhook';

interface SearchPage {
  issues: JiraIssue[];
  nextPageToken?: string;
  isLast?: boolean;
}

const PAGE_SIZE = 100;
const ISSUE = (id: string) => `/rest/api/3/issue/${encodeURIComponent(id)}`;

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The Jira Service Management connector over Jira Cloud REST v3: issues with ADF
 * descriptions and comments, status through workflow transitions, JQL search with
 * `nextPageToken` paging, and webhooks signed with an admin secret or a Connect JWT.
 * @public
 */
export class JiraConnector implements ItsmConnector {
  readonly type = 'jira';
  readonly displayName = 'Jira Service Management';
  readonly capabilities: ConnectorCapabilities = {
    inboundCreate: true,
  };
  // Jira vocabulary (docs/connectors/jira.md#default-field-ownership) next to the platform names; `platformFieldFor` maps them.
  readonly fields = [
    'summary',
    'description',
    'priority',
    'status',
    'assignee',
    'comments',
    'title',
    'severity',
    'assigned_to',
    'notes',
  ];
  readonly defaultFieldOwnership: FieldOwnershipRule[] = [
    { field: 'severity', owner: 'platform', priority: 10 },
    { field: 'priority', owner: 'platform', priority: 10 },
    { field: 'assignee', owner: 'external', priority: 5 },
    { field: 'comments', owner: 'external', priority: 5 },
  ];
  readonly mappings: ConnectorMappingDescription = {
    fields: [
      { platform: 'title', external: 'summary' },
      { platform: 'description', external: 'description (ADF)' },
      { platform: 'severity', external: 'priority' },
      { platform: 'status', external: 'status (via transitions)' },
      { platform: 'assigned_to', external: 'assignee.accountId' },
      { platform: 'notes', external: 'comments (ADF)' },
    ],
    status: Object.entries(DEFAULT_STATUSES).map(([platform, names]) => ({
      platform,
      external: names.join(' / '),
    })),
    severity: Object.entries(DEFAULT_PRIORITIES).map(
      ([platform, external]) => ({ platform, external }),
    ),
  };
  readonly webhookAuth =
    'JWT HS256 (Connect app, qsh checked) or HMAC-SHA256 (X-Hub-Signature)';
  readonly credentialKeys = [['email', 'api_token']];

  /** accountId of the API user per integration, so the hub's own comments are not echoed back as notes. */
  private readonly apiAccounts = new Map<string, string>();

  readonly settingsSchema = jiraSettings;

  validateSettings(settings: Record<string, unknown>): void {
    readSettings(settings);
    validateNoteChannels(settings, COMMENT_CHANNELS);
  }

  platformFieldFor(field: string): string | undefined {
    return ownershipFieldMap[field] ?? field;
  }

  async testConnection(
    ctx: ConnectorContext,
  ): Promise<{ ok: boolean; message: string }> {
    try {
      const { body } = await jiraClient(ctx).request<{
        accountId?: string;
        displayName?: string;
      }>({
        path: '/rest/api/3/myself',
        signal: ctx.signal,
      });
      if (body?.accountId)
        this.apiAccounts.set(ctx.integration.id, body.accountId);
      return {
        ok: true,
        message: `Authenticated to Jira as ${body?.displayName ?? 'the API user'}`,
      };
    } catch (error) {
      return { ok: false, message: toError(error).message };
    }
  }

  async createTicket(
    ctx: ConnectorContext,
    { incident, dedupKey, target }: CreateTicketInput,
  ): Promise<ExternalTicket> {
    const settings = readSettings(ctx.integration.settings);
    const client = jiraClient(ctx);
    const fields: Record<string, unknown> = {
      // The entity's annotated project goes before the integration's (docs/connectors/jira.md#ticket-creation-and-dedup).
      project: { key: target?.project_key ?? settings.projectKey },
      issuetype: { name: settings.issueType },
      summary: incident.title,
      description: incident.description ? toAdf(incident.description) : null,
      priority: { name: priorityForSeverity(settings, incident.severity) },
      labels: [dedupLabel(dedupKey)],
    };
    if (incident.assigned_to)
      fields.assignee = { accountId: incident.assigned_to };
    const { body: created } = await client.request<{ id: string; key: string }>(
      {
        method: 'POST',
        path: '/rest/api/3/issue',
        body: { fields },
        signal: ctx.signal,
      },
    );
    if (incident.status !== 'open') {
      const fresh = await this.fetchIssue(ctx, created.id);
      await transitionTo(
        client,
        settings,
        created.id,
        fresh?.fields.status?.name ?? '',
        incident.status,
      );
    }
    const issue = await this.fetchIssue(ctx, created.id);
    return issue
      ? this.ticketOf(ctx, issue)
      : {
          externalId: created.id,
          externalKey: created.key,
          fields: {},
          updatedAt: new Date().toISOString(),
          dedupKey,
        };
  }

  async findTicketByDedupKey(
    ctx: ConnectorContext,
    dedupKey: string,
  ): Promise<ExternalTicket | undefined> {
    // The label names the incident and integration, so it finds the issue in whichever project routing chose.
    const jql = `labels = ${quote(dedupLabel(dedupKey))} ORDER BY created ASC`;
    const page = await this.search(ctx, jql, undefined, 1);
    return page.issues[0] ? this.ticketOf(ctx, page.issues[0]) : undefined;
  }

  async updateTicket(
    ctx: ConnectorContext,
    { externalId, changes }: UpdateTicketInput,
  ): Promise<void> {
    const settings = readSettings(ctx.integration.settings);
    const client = jiraClient(ctx);
    const fields = toJiraFields(settings, changes);
    if (Object.keys(fields).length) {
      await client.request({
        method: 'PUT',
        path: ISSUE(externalId),
        body: { fields },
        signal: ctx.signal,
      });
    }
    if (changes.status) {
      const issue = await this.fetchIssue(ctx, externalId);
      if (!issue) {
        throw new ConnectorError({
          message: `Jira issue ${externalId} does not exist`,
          kind: 'permanent',
          status: 404,
        });
      }
      await transitionTo(
        client,
        settings,
        externalId,
        issue.fields.status?.name ?? '',
        changes.status,
      );
    }
  }

  async addNote(
    ctx: ConnectorContext,
    externalId: string,
    note: IncidentNote,
  ): Promise<AddedNote> {
    const { body } = await jiraClient(ctx).request<{ id?: unknown }>({
      method: 'POST',
      path: `${ISSUE(externalId)}/comment`,
      body: {
        body: toAdf(formatNoteForVendor(note)),
        properties: commentPropertiesFor(ctx.integration.settings, note),
      },
      signal: ctx.signal,
    });
    return body?.id !== undefined ? { externalNoteId: String(body.id) } : {};
  }

  async fetchTicket(
    ctx: ConnectorContext,
    externalId: string,
  ): Promise<ExternalTicket | undefined> {
    if (!/^[A-Za-z0-9_-]+$/.test(externalId)) return undefined;
    const issue = await this.fetchIssue(ctx, externalId);
    return issue ? this.ticketOf(ctx, issue) : undefined;
  }

  async fetchTickets(
    ctx: ConnectorContext,
    externalIds: string[],
  ): Promise<ExternalTicket[]> {
    const ids = externalIds.filter(id => /^\d+$/.test(id));
    const out: ExternalTicket[] = [];
    for (let i = 0; i < ids.length; i += PAGE_SIZE) {
      const chunk = ids.slice(i, i + PAGE_SIZE);
      let token: string | undefined;
      const tokens = new Set<string>();
      do {
        const page = await this.search(
          ctx,
          `id in (${chunk.join(', ')}) ORDER BY id ASC`,
          token,
        );
        out.push(...page.issues.map(issue => this.ticketOf(ctx, issue)));
        token = page.isLast === false ? page.nextPageToken : undefined;
        // At most a page of ids was asked for: a search that keeps paging (the same token again, or more pages than ids) is refused.
        if (token && (tokens.has(token) || tokens.size >= chunk.length))
          throw new ConnectorError({
            message: `Jira kept paging a search of ${chunk.length} issue ids; stopped after ${tokens.size + 1} pages`,
            kind: 'retryable',
          });
        if (token) tokens.add(token);
      } while (token);
    }
    return out;
  }

  async listChangedSince(
    ctx: ConnectorContext,
    since: Date,
    cursor?: string,
  ): Promise<ChangedTicketsPage> {
    const settings = readSettings(ctx.integration.settings);
    // JQL dates have minute precision: round down so nothing at the boundary is missed.
    const jql = `project = ${quote(settings.projectKey)} AND updated >= ${quote(jqlDate(since))} ORDER BY updated ASC, id ASC`;
    const page = await this.search(ctx, jql, cursor);
    return {
      tickets: page.issues.map(issue => this.ticketOf(ctx, issue)),
      nextCursor:
        page.isLast === false && page.nextPageToken
          ? page.nextPageToken
          : undefined,
    };
  }

  async verifyWebhook(ctx: ConnectorContext, request: WebhookRequest) {
    const settings = readSettings(ctx.integration.settings);
    return verifyJiraWebhook(request, {
      secrets: ctx.integration.webhookSecrets,
      jwtIssuer: settings.jwtIssuer,
      jwtBasePath: settings.jwtBasePath,
      maxTokenAgeSeconds: settings.jwtMaxTokenAgeSeconds,
      replays: ctx.replays,
    });
  }

  async parseWebhook(ctx: ConnectorContext, request: WebhookRequest) {
    const settings = readSettings(ctx.integration.settings);
    const email = ctx.integration.credentials.email?.toLowerCase();
    const ownAccount = this.apiAccounts.get(ctx.integration.id);
    return parseJiraWebhook(
      settings,
      ctx.integration.baseUrl,
      request,
      author =>
        Boolean(
          (ownAccount && author?.accountId === ownAccount) ||
          (email && author?.emailAddress?.toLowerCase() === email),
        ),
      ctx.integration.settings,
    );
  }

  private async search(
    ctx: ConnectorContext,
    jql: string,
    nextPageToken?: string,
    maxResults = PAGE_SIZE,
  ): Promise<SearchPage> {
    const { body } = await jiraClient(ctx).request<SearchPage>({
      method: 'POST',
      path: '/rest/api/3/search/jql',
      body: {
        jql,
        fields: ISSUE_FIELDS,
        maxResults,
        ...(nextPageToken ? { nextPageToken } : {}),
      },
      signal: ctx.signal,
    });
    return body;
  }

  private ticketOf(ctx: ConnectorContext, issue: JiraIssue): ExternalTicket {
    return toExternalTicket(
      readSettings(ctx.integration.settings),
      issue,
      ctx.integration.baseUrl,
    );
  }

  private async fetchIssue(
    ctx: ConnectorContext,
    idOrKey: string,
  ): Promise<JiraIssue | undefined> {
    try {
      const { body } = await jiraClient(ctx).request<JiraIssue>({
        path: ISSUE(idOrKey),
        query: { fields: ISSUE_FIELDS.join(',') },
        signal: ctx.signal,
      });
      return body;
    } catch (error) {
      if (error instanceof ConnectorError && error.status === 404)
        return undefined;
      throw error;
    }
  }
}
