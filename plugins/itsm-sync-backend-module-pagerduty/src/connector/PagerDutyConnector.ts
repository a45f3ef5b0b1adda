import { InputError, toError } from '@backstage/errors';
import { pagerDutySettings } from './settingsSchema';
import {
  ConnectorError,
  formatNoteForVendor,
  ignoredWebhook,
  validateNoteChannels,
  type AddedNote,
  inboundCreateEnabled,
  type ConnectorCapabilities,
  type ConnectorContext,
  type ConnectorMappingDescription,
  type CreateTicketInput,
  type ExternalTicket,
  type IncidentNote,
  type ItsmConnector,
  type NormalizedChange,
  type OncallEntry,
  type UpdateTicketInput,
  type WebhookRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  SEVERITY_MAPPING,
  priorityNameForSeverity,
  urgencyForSeverity,
} from '../mapping/severity';
import {
  ROUTING_ANNOTATIONS,
  type FieldOwnershipRule,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  inboundCreationRefusal,
  incidentTypeForService,
  serviceForIncident,
} from '../mapping/services';
import { STATUS_MAPPING } from '../mapping/status';
import { firstAssignee, ticketFromIncident } from '../mapping/ticket';
import {
  assigneeNeeded,
  parseEnvelope,
  readPagerDutyEvent,
} from '../mapping/webhookEvent';
import { orUndefinedOn404, pagerDutyClient } from './client';
import { PagerDutyDirectory } from './directory';
import { updateBody } from './incidentBody';
import { parseSettings } from './settings';
import type {
  PdIncidentObject,
  PdPage,
  PdReference,
  PdUserObject,
} from './types';
import { verifyPagerDutyWebhook } from './verifyWebhook';

const PAGE_LIMIT = 100;
const SCHEDULE_ID = /^[A-Z0-9]{2,32}$/;

/** PagerDuty's one note channel (`none` keeps a visibility out). */
const PAGERDUTY_NOTE_CHANNELS = ['notes'] as const;
/** The PagerDuty REST API v2 + Webhooks v3 connector. @public */
export class PagerDutyConnector implements ItsmConnector {
  readonly type = 'pagerduty';
  readonly displayName = 'PagerDuty';
  readonly capabilities: ConnectorCapabilities = {
    inboundCreate: true,
  };
  readonly fields = [
    'title',
    'description',
    'severity',
    'status',
    'assigned_to',
    'escalation_policy',
    'notes',
  ];
  // docs/connectors/pagerduty.md#default-field-ownership
  readonly defaultFieldOwnership: FieldOwnershipRule[] = [
    { field: 'title', owner: 'platform', priority: 10 },
    { field: 'description', owner: 'platform', priority: 10 },
    { field: 'escalation_policy', owner: 'external', priority: 5 },
    { field: 'assigned_to', owner: 'external', priority: 5 },
  ];
  readonly mappings: ConnectorMappingDescription = {
    fields: [
      { platform: 'title', external: 'title' },
      {
        platform: 'description',
        external: 'body.details (later changes as notes)',
      },
      { platform: 'severity', external: 'urgency + priority' },
      { platform: 'status', external: 'status' },
      {
        platform: 'assigned_to',
        external: 'assignments[0].assignee (by email)',
      },
      { platform: 'escalation_policy', external: 'escalation_policy.id' },
    ],
    status: STATUS_MAPPING,
    severity: SEVERITY_MAPPING,
  };
  readonly webhookAuth = 'HMAC-SHA256 (X-PagerDuty-Signature v1=, Webhooks v3)';
  readonly credentialKeys = [['token']];

  // Users, emails and priorities, cached per integration (PagerDuty has no lookup by email).
  private readonly directory = new PagerDutyDirectory();

  readonly settingsSchema = pagerDutySettings;

  validateSettings(settings: Record<string, unknown>): void {
    parseSettings(settings);
    inboundCreateEnabled(settings);
    validateNoteChannels(settings, PAGERDUTY_NOTE_CHANNELS);
  }

  async testConnection(
    ctx: ConnectorContext,
  ): Promise<{ ok: boolean; message: string }> {
    try {
      await pagerDutyClient(ctx).request({
        path: '/abilities',
        signal: ctx.signal,
      });
      const { fromEmail } = parseSettings(ctx.integration.settings);
      if (!fromEmail) {
        return {
          ok: false,
          message:
            'Reached PagerDuty, but settings.from_email is not set (needed as the From header on writes)',
        };
      }
      if (!(await this.directory.userIdForEmail(ctx, fromEmail))) {
        return {
          ok: false,
          message: `Reached PagerDuty, but no PagerDuty user has the from_email "${fromEmail}"`,
        };
      }
      return {
        ok: true,
        message: `Reached PagerDuty; writes are made as ${fromEmail}`,
      };
    } catch (error) {
      return { ok: false, message: toError(error).message };
    }
  }

  async createTicket(
    ctx: ConnectorContext,
    { incident, dedupKey, target }: CreateTicketInput,
  ): Promise<ExternalTicket> {
    const body = await this.newIncidentBody(
      ctx,
      incident,
      dedupKey,
      target?.service_id,
    );
    let created: PdIncidentObject;
    try {
      const res = await pagerDutyClient(ctx, { write: true }).request<{
        incident: PdIncidentObject;
      }>({
        method: 'POST',
        path: '/incidents',
        body: { incident: body },
        signal: ctx.signal,
      });
      created = res.body.incident;
    } catch (error) {
      // PagerDuty refuses a second open incident with the same key: that one is ours.
      if (
        error instanceof ConnectorError &&
        error.status === 400 &&
        /dedup key/i.test(error.body ?? '')
      ) {
        const existing = await this.findTicketByDedupKey(ctx, dedupKey);
        if (existing) return existing;
      }
      throw error;
    }
    if (incident.status !== 'open') {
      const updated = await this.updateTicket(ctx, {
        externalId: created.id,
        changes: { status: incident.status },
        incident,
      });
      if (updated) return updated;
    }
    return this.toTicket(ctx, created);
  }

  async findTicketByDedupKey(
    ctx: ConnectorContext,
    dedupKey: string,
  ): Promise<ExternalTicket | undefined> {
    const { body } = await pagerDutyClient(ctx).request<{
      incidents: PdIncidentObject[];
    }>({
      path: '/incidents',
      query: { incident_key: dedupKey, date_range: 'all', limit: PAGE_LIMIT },
      signal: ctx.signal,
    });
    const matches = (body?.incidents ?? []).filter(
      i => i.incident_key === dedupKey,
    );
    // Prefer the open one: a resolved namesake may be an earlier life of the same key.
    const best =
      matches.find(i => i.status !== 'resolved') ?? matches[matches.length - 1];
    return best ? this.toTicket(ctx, best) : undefined;
  }

  async updateTicket(
    ctx: ConnectorContext,
    { externalId, changes }: UpdateTicketInput,
  ): Promise<ExternalTicket | void> {
    const { incident, descriptionNote } = await updateBody(
      ctx,
      this.directory,
      changes,
    );
    let result: ExternalTicket | undefined;
    if (incident) {
      const { body } = await pagerDutyClient(ctx, { write: true }).request<{
        incident: PdIncidentObject;
      }>({
        method: 'PUT',
        path: `/incidents/${encodeURIComponent(externalId)}`,
        body: { incident },
        signal: ctx.signal,
      });
      result = await this.toTicket(ctx, body.incident);
    }
    if (descriptionNote) await this.postNote(ctx, externalId, descriptionNote);
    return result;
  }

  async addNote(
    ctx: ConnectorContext,
    externalId: string,
    note: IncidentNote,
  ): Promise<AddedNote> {
    // PagerDuty has one note channel: note_channels may keep one visibility out (planned by the hub).
    return this.postNote(ctx, externalId, formatNoteForVendor(note));
  }

  /** `POST /incidents/{id}/notes`; answers the note's id so its `incident.annotated` echo is known. */
  private async postNote(
    ctx: ConnectorContext,
    externalId: string,
    content: string,
  ): Promise<AddedNote> {
    const { body } = await pagerDutyClient(ctx, { write: true }).request<{
      note?: { id?: unknown };
    }>({
      method: 'POST',
      path: `/incidents/${encodeURIComponent(externalId)}/notes`,
      body: { note: { content } },
      signal: ctx.signal,
    });
    const id = body?.note?.id;
    return typeof id === 'string' ? { externalNoteId: id } : {};
  }

  async fetchTicket(
    ctx: ConnectorContext,
    externalId: string,
  ): Promise<ExternalTicket | undefined> {
    const incident = await this.fetchIncident(ctx, externalId);
    return incident ? this.toTicket(ctx, incident) : undefined;
  }

  async fetchTickets(
    ctx: ConnectorContext,
    externalIds: string[],
  ): Promise<ExternalTicket[]> {
    // PagerDuty lists cannot filter by id: fetch a few at a time.
    const tickets: ExternalTicket[] = [];
    for (let i = 0; i < externalIds.length; i += 4) {
      const batch = await Promise.all(
        externalIds.slice(i, i + 4).map(id => this.fetchTicket(ctx, id)),
      );
      for (const t of batch) if (t) tickets.push(t);
    }
    return tickets;
  }

  async listChangedSince(ctx: ConnectorContext, since: Date, cursor?: string) {
    // The cursor fixes `until`, so pages of one listing see one range; a minute past now
    // allows for clock skew (pages are sorted by creation, so late arrivals only append).
    const [offsetText, until] = cursor
      ? cursor.split('|')
      : ['0', new Date(Date.now() + 60_000).toISOString()];
    const offset = Number(offsetText) || 0;
    const { body } = await pagerDutyClient(ctx).request<
      PdPage & { incidents: PdIncidentObject[] }
    >({
      path: '/incidents',
      query: {
        since: since.toISOString(),
        until,
        offset,
        limit: PAGE_LIMIT,
        sort_by: 'created_at:asc',
      },
      signal: ctx.signal,
    });
    const incidents = body?.incidents ?? [];
    const tickets: ExternalTicket[] = [];
    for (const incident of incidents)
      tickets.push(await this.toTicket(ctx, incident));
    return {
      tickets,
      nextCursor:
        body?.more && incidents.length
          ? `${offset + incidents.length}|${until}`
          : undefined,
    };
  }

  async verifyWebhook(ctx: ConnectorContext, request: WebhookRequest) {
    return verifyPagerDutyWebhook(ctx.integration.webhookSecrets, request);
  }

  async parseWebhook(ctx: ConnectorContext, request: WebhookRequest) {
    const event = parseEnvelope(request.rawBody);
    const settings = parseSettings(ctx.integration.settings);
    const assignee = assigneeNeeded(event);
    const assigneeEmail = assignee
      ? await this.directory.emailForUser(ctx, assignee)
      : undefined;
    const reading = readPagerDutyEvent(event, {
      syncEscalations: settings.syncEscalations,
      assigneeEmail,
      ...(assignee && !assigneeEmail
        ? { unmatchedAssignee: assignee.summary ?? assignee.id ?? 'unknown' }
        : {}),
    });
    if ('ignored' in reading) return ignoredWebhook(reading.ignored);
    const change = reading.change;
    if (change.kind !== 'created') return [change];
    const refusal = inboundCreationRefusal(
      settings,
      event.data.service?.id,
      inboundCreateEnabled(ctx.integration.settings),
    );
    if (refusal)
      return ignoredWebhook({
        eventType: event.event_type,
        reason: refusal,
        eventId: event.id,
        externalId: change.externalId,
      });
    const detailed = await this.withIncidentDetails(ctx, change);
    // An incident triggered in PagerDuty gets the type its service maps to.
    const serviceId = detailed.ticket?.catalogKeys?.find(
      k => k.annotation === ROUTING_ANNOTATIONS.pagerdutyServiceId,
    )?.value;
    const incidentType = incidentTypeForService(settings, serviceId);
    if (detailed.ticket && incidentType)
      detailed.ticket.incidentType = incidentType;
    return [detailed];
  }

  async listOncall(
    ctx: ConnectorContext,
    scheduleId: string,
  ): Promise<OncallEntry[]> {
    if (!SCHEDULE_ID.test(scheduleId)) {
      throw new InputError(
        `"${scheduleId}" is not a PagerDuty schedule id (such as PABC123)`,
      );
    }
    const entries: OncallEntry[] = [];
    for (let offset = 0; ;) {
      const { body } = await pagerDutyClient(ctx).request<
        PdPage & { oncalls: PdOncall[] }
      >({
        path: `/oncalls?schedule_ids[]=${encodeURIComponent(scheduleId)}&include[]=users`,
        query: { limit: PAGE_LIMIT, offset },
        signal: ctx.signal,
      });
      const list = body?.oncalls ?? [];
      entries.push(...list.map(oncallEntry));
      if (!body?.more || !list.length)
        return entries.sort((a, b) => a.escalationLevel - b.escalationLevel);
      offset += list.length;
    }
  }

  /** The `incident` of POST /incidents: service by mapping, urgency and priority by severity, the hub's dedup key. */
  private async newIncidentBody(
    ctx: ConnectorContext,
    incident: CreateTicketInput['incident'],
    dedupKey: string,
    routedServiceId: string | undefined,
  ) {
    // The entity's annotated service goes before the integration's mapping and default.
    const serviceId =
      routedServiceId ??
      serviceForIncident(parseSettings(ctx.integration.settings), incident);
    if (!serviceId) {
      throw new ConnectorError({
        message:
          'PagerDuty needs a service: set settings.default_service_id or add a service mapping',
        kind: 'permanent',
      });
    }
    const body: Record<string, unknown> = {
      type: 'incident',
      title: incident.title,
      service: { id: serviceId, type: 'service_reference' },
      urgency: urgencyForSeverity(incident.severity),
      // The hub's dedup key: a retried create finds (or is refused in favour of) the first.
      incident_key: dedupKey,
      body: { type: 'incident_body', details: incident.description },
    };
    const priorityId = await this.directory.priorityId(
      ctx,
      priorityNameForSeverity(incident.severity),
    );
    if (priorityId)
      body.priority = { id: priorityId, type: 'priority_reference' };
    if (incident.escalation_policy) {
      body.escalation_policy = {
        id: incident.escalation_policy,
        type: 'escalation_policy_reference',
      };
    }
    if (incident.assigned_to) {
      const id = await this.directory.userIdForEmail(ctx, incident.assigned_to);
      if (id) body.assignments = [{ assignee: { id, type: 'user_reference' } }];
      else
        ctx.logger.warn(
          'PagerDuty has no user with the incident assignee email; PagerDuty assigns by escalation policy',
          { integration: ctx.integration.id },
        );
    }
    return body;
  }

  private async toTicket(
    ctx: ConnectorContext,
    incident: PdIncidentObject,
  ): Promise<ExternalTicket> {
    const assignee = firstAssignee(incident);
    const email = assignee
      ? await this.directory.emailForUser(ctx, assignee)
      : undefined;
    return ticketFromIncident(incident, email);
  }

  private async fetchIncident(ctx: ConnectorContext, id: string) {
    const found = await orUndefinedOn404(
      pagerDutyClient(ctx).request<{ incident: PdIncidentObject }>({
        path: `/incidents/${encodeURIComponent(id)}`,
        signal: ctx.signal,
      }),
    );
    return found?.body?.incident;
  }

  /**
   * A v3 event carries no incident body, so a new incident's details are read from the
   * REST API; when that read fails, the incident opens without them rather than not at all.
   */
  private async withIncidentDetails(
    ctx: ConnectorContext,
    change: NormalizedChange,
  ): Promise<NormalizedChange> {
    try {
      const incident = await this.fetchIncident(ctx, change.externalId);
      if (!incident) return change;
      const ticket = await this.toTicket(ctx, incident);
      return {
        ...change,
        fields: { ...change.fields, ...ticket.fields },
        ticket,
      };
    } catch (error) {
      ctx.logger.warn(
        "Could not read a new PagerDuty incident's details; it opens without them",
        {
          integration: ctx.integration.id,
          external_id: change.externalId,
          error: toError(error).message,
        },
      );
      return change;
    }
  }
}

/** One entry of GET /oncalls with `include[]=users`. */
interface PdOncall {
  user: PdUserObject;
  escalation_level: number;
  escalation_policy?: PdReference;
  start: string | null;
  end: string | null;
}

function oncallEntry(o: PdOncall): OncallEntry {
  return {
    user: o.user.name ?? o.user.summary ?? o.user.id,
    email: o.user.email,
    escalationLevel: o.escalation_level,
    escalationPolicy: o.escalation_policy?.summary ?? o.escalation_policy?.id,
    start: o.start ?? null,
    end: o.end ?? null,
  };
}
