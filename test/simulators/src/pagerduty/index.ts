import {
  SimulatorServer,
  type SimResponse,
  type SimRoute,
} from '../shared/SimulatorServer';
import { WebhookSender } from '../shared/webhooks';
import { registerApiRoutes } from './api';
import { pdErrorBody, pdRateLimitHeaders } from './errors';
import type { PdIncident } from './model';
import { PagerDutySerializer } from './serialize';
import {
  PagerDutyState,
  PdInputError,
  type IncidentChanges,
  type NewIncident,
} from './state';
import type { PdEventType, PdIncidentEventType } from './eventCatalogue';
import { pagerDutyId } from './ids';
import { webhookEnvelope, webhookHeaders } from './webhooks';

export { PagerDutyState, PdInputError } from './state';
export type {
  PdIncident,
  PdUser,
  PdService,
  PdEscalationPolicy,
  PdSchedule,
  PdPriority,
} from './model';
export { pagerDutySignature } from './webhooks';
export { PAGERDUTY_EVENT_CATALOGUE, type PdEventType } from './eventCatalogue';

/** Where the simulator delivers webhooks; several secrets sign each delivery (rotation). */
export interface PagerDutyWebhookTarget {
  /** The hub's webhook URL; none means capture only. */
  url?: string;
  secret?: string;
  secrets?: string[];
}

export interface PagerDutySimulatorOptions {
  port?: number;
  host?: string;
  webhook?: PagerDutyWebhookTarget;
  /** The account's REST API token (`Authorization: Token token=...`). */
  token?: string;
  /** Requests per minute before 429; PagerDuty's documented default is 120 here. */
  rateLimitPerMinute?: number;
  /** Largest page a listing returns (PagerDuty: 100); tests lower it to force paging. */
  maxPageSize?: number;
}

/** The captured form of a delivery, as the hub receives it (`WebhookRequest`). */
export interface CapturedWebhook {
  rawBody: Buffer;
  headers: Record<string, string>;
  method: string;
  url: string;
}

/** What an admin action did. */
export interface PagerDutyAction {
  /** The incident the event is about; undefined for service events and pings. */
  incident: PdIncident;
  webhook: CapturedWebhook;
  /** HTTP status of the delivery, `'error'`, or `'captured'` when no URL is set. */
  delivery: number | 'error' | 'captured';
}

const DEFAULT_ACTOR = 'PUSR001';

/**
 * A stateful simulator of PagerDuty REST API v2 with Webhooks v3. Admin routes under
 * `/__admin` act as a person in PagerDuty would and deliver the signed webhook.
 */
export class PagerDutySimulator {
  readonly state = new PagerDutyState();
  readonly sender = new WebhookSender();
  readonly webhooks: CapturedWebhook[] = [];
  readonly credentials: { token: string };
  readonly subscriptionId = 'PWHS001';
  maxPageSize: number;
  private target: PagerDutyWebhookTarget;
  private readonly json: PagerDutySerializer;

  private constructor(
    readonly server: SimulatorServer,
    options: PagerDutySimulatorOptions,
  ) {
    this.credentials = {
      token: options.token ?? 'pd-sim-token-u+abcdefghijklmnop',
    };
    this.target = options.webhook ?? {};
    this.maxPageSize = options.maxPageSize ?? 100;
    this.json = new PagerDutySerializer(this.state, () => this.server.baseUrl);
    server.setBudget(options.rateLimitPerMinute ?? 120, 60_000);
    registerApiRoutes(server, this.state, this.json, {
      tokens: () => [this.credentials.token],
      maxLimit: () => this.maxPageSize,
      // Webhooks go out after the API has answered, as PagerDuty's do.
      noteAdded: (incidentId, note, userId) =>
        setImmediate(() => {
          const incident = this.state.incidents.get(incidentId);
          if (incident)
            this.deliver(
              'incident.annotated',
              incident,
              this.json.webhookNote(incident, note),
              userId,
            ).catch(() => undefined);
        }),
    });
    this.registerAdminRoutes();
  }

  static async start(
    options: PagerDutySimulatorOptions = {},
  ): Promise<PagerDutySimulator> {
    const server = new SimulatorServer(
      'PagerDuty',
      pdErrorBody,
      pdRateLimitHeaders,
    );
    const sim = new PagerDutySimulator(server, options);
    await server.start(options.port ?? 0, options.host ?? '127.0.0.1');
    return sim;
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  setWebhookTarget(target: PagerDutyWebhookTarget) {
    this.target = target;
  }

  /** The last delivery built, for the conformance harness. */
  lastWebhook(): CapturedWebhook | undefined {
    return this.webhooks[this.webhooks.length - 1];
  }

  // --- Acting as a person in PagerDuty -------------------------------------------------

  trigger(
    input: Partial<NewIncident> & { title: string },
    actorId = DEFAULT_ACTOR,
  ) {
    const incident = this.state.create({ serviceId: 'PSVC001', ...input });
    return this.emit('incident.triggered', incident, actorId);
  }

  acknowledge(id: string, actorId = DEFAULT_ACTOR) {
    return this.change(
      id,
      { status: 'acknowledged' },
      'incident.acknowledged',
      actorId,
    );
  }

  resolve(id: string, actorId = DEFAULT_ACTOR) {
    return this.change(
      id,
      { status: 'resolved' },
      'incident.resolved',
      actorId,
    );
  }

  /** Back to triggered (PagerDuty: an unacknowledge, or a reopen of a resolved incident). */
  reopen(id: string, actorId = DEFAULT_ACTOR) {
    const was = this.incident(id).status;
    return this.change(
      id,
      { status: 'triggered' },
      was === 'resolved' ? 'incident.reopened' : 'incident.unacknowledged',
      actorId,
    );
  }

  /** Reassigns to a user, named by id or email. */
  reassign(id: string, user: string, actorId = DEFAULT_ACTOR) {
    const found = this.state.user(user) ?? this.state.userByEmail(user);
    if (!found) throw new PdInputError(`User ${user} Not Found`);
    return this.change(
      id,
      { assigneeIds: [found.id] },
      'incident.reassigned',
      actorId,
    );
  }

  /** Escalates to the next level of the incident's policy, paging its on-call (`incident.escalated`). */
  escalate(id: string, actorId = DEFAULT_ACTOR) {
    const incident = this.incident(id);
    return this.change(
      id,
      { escalationLevel: incident.escalation_level + 1 },
      'incident.escalated',
      actorId,
    );
  }

  /** Reassigns to another escalation policy, starting at its first level (`incident.delegated`). */
  delegate(id: string, escalationPolicyId: string, actorId = DEFAULT_ACTOR) {
    return this.change(
      id,
      { escalationPolicyId },
      'incident.delegated',
      actorId,
    );
  }

  /** Sets the priority by name (`P1`) or id; null clears it (`incident.priority_updated`). */
  changePriority(id: string, priority: string | null, actorId = DEFAULT_ACTOR) {
    const found =
      priority === null
        ? null
        : (this.state.priorityByName(priority) ??
          this.state.priority(priority));
    if (found === undefined)
      throw new PdInputError(`Priority ${priority} Not Found`);
    return this.change(
      id,
      { priorityId: found?.id ?? null },
      'incident.priority_updated',
      actorId,
    );
  }

  async annotate(
    id: string,
    content: string,
    actorId = DEFAULT_ACTOR,
  ): Promise<PagerDutyAction> {
    const incident = this.incident(id);
    const note = this.state.addNote(id, content, actorId);
    return this.deliver(
      'incident.annotated',
      incident,
      this.json.webhookNote(incident, note),
      actorId,
    );
  }

  /** Publishes a status update on the incident (`incident.status_update_published`). */
  publishStatusUpdate(id: string, message: string, actorId = DEFAULT_ACTOR) {
    const incident = this.incident(id);
    if (!message.trim()) throw new PdInputError("Message can't be blank");
    return this.deliver(
      'incident.status_update_published',
      incident,
      this.json.webhookStatusUpdate(incident, pagerDutyId(), message),
      actorId,
    );
  }

  /** Sets the conference bridge (`incident.conference_bridge.updated`). */
  setConferenceBridge(
    id: string,
    bridge: { number: string; url: string },
    actorId = DEFAULT_ACTOR,
  ) {
    const incident = this.state.update(
      id,
      {
        conferenceBridge: {
          conference_number: bridge.number,
          conference_url: bridge.url,
        },
      },
      actorId,
    );
    return this.deliver(
      'incident.conference_bridge.updated',
      incident,
      this.json.webhookConferenceBridge(incident),
      actorId,
    );
  }

  /** Requests a responder through one of their escalation policies (`incident.responder.added`). */
  addResponder(
    id: string,
    userId: string,
    message: string,
    actorId = DEFAULT_ACTOR,
  ) {
    const incident = this.incident(id);
    if (!this.state.user(userId))
      throw new PdInputError(`User ${userId} Not Found`);
    const data = this.json.webhookResponder(
      incident,
      userId,
      incident.escalation_policy_id,
      message,
      'pending',
    );
    return this.deliver('incident.responder.added', incident, data, actorId);
  }

  /** A requested responder answers (`incident.responder.replied`); the responder is the actor. */
  replyAsResponder(
    id: string,
    userId: string,
    answer: 'joined' | 'declined',
    message = '',
  ) {
    const incident = this.incident(id);
    if (!this.state.user(userId))
      throw new PdInputError(`User ${userId} Not Found`);
    const data = this.json.webhookResponder(
      incident,
      userId,
      incident.escalation_policy_id,
      message,
      answer,
    );
    return this.deliver('incident.responder.replied', incident, data, userId);
  }

  /** Moves the incident to another service (`incident.service_updated`). */
  moveToService(id: string, serviceId: string, actorId = DEFAULT_ACTOR) {
    return this.change(id, { serviceId }, 'incident.service_updated', actorId);
  }

  /** Changes the incident type (`incident.incident_type.changed`). */
  changeIncidentType(
    id: string,
    incidentType: string,
    actorId = DEFAULT_ACTOR,
  ) {
    return this.change(
      id,
      { incidentType },
      'incident.incident_type.changed',
      actorId,
    );
  }

  /** Sets custom field values (`incident.custom_field_values.updated`). */
  setCustomFields(
    id: string,
    values: Record<string, string>,
    actorId = DEFAULT_ACTOR,
  ) {
    const incident = this.state.update(id, { customFields: values }, actorId);
    return this.deliver(
      'incident.custom_field_values.updated',
      incident,
      this.json.webhookFieldValues(incident, Object.keys(values)),
      actorId,
    );
  }

  /** Runs an incident workflow: `incident.workflow.started`, then `incident.workflow.completed`. */
  async runWorkflow(
    id: string,
    workflow = { id: 'PWFL001', name: 'Major incident kickoff' },
    actorId = DEFAULT_ACTOR,
  ) {
    const incident = this.incident(id);
    const instance = pagerDutyId();
    const data = this.json.webhookWorkflowInstance(
      incident,
      instance,
      workflow,
    );
    const started = await this.deliver(
      'incident.workflow.started',
      incident,
      data,
      actorId,
    );
    const completed = await this.deliver(
      'incident.workflow.completed',
      incident,
      data,
      actorId,
    );
    return { started, completed };
  }

  /** A service event (`service.created`, `.updated`, `.deleted`); it names no incident. */
  serviceEvent(
    type: 'service.created' | 'service.updated' | 'service.deleted',
    serviceId: string,
    actorId = DEFAULT_ACTOR,
  ) {
    return this.deliver(
      type,
      undefined,
      this.json.webhookService(serviceId),
      actorId,
    );
  }

  /** The delivery PagerDuty sends when a person tests the subscription (`pagey.ping`). */
  ping() {
    return this.deliver(
      'pagey.ping',
      undefined,
      { message: 'Hello from your friend Pagey!', type: 'ping' },
      null,
    );
  }

  incident(id: string): PdIncident {
    const incident = this.state.incidents.get(id);
    if (!incident) throw new PdInputError('Incident Not Found');
    return incident;
  }

  private change(
    id: string,
    changes: IncidentChanges,
    type: PdIncidentEventType,
    actorId: string,
  ) {
    const incident = this.state.update(id, changes, actorId);
    return this.emit(type, incident, actorId);
  }

  private emit(
    type: PdIncidentEventType,
    incident: PdIncident,
    actorId: string,
  ) {
    return this.deliver(
      type,
      incident,
      this.json.webhookIncident(incident),
      actorId,
    );
  }

  private async deliver(
    type: PdEventType,
    incident: PdIncident,
    data: unknown,
    actorId: string | null,
  ): Promise<PagerDutyAction>;
  private async deliver(
    type: PdEventType,
    incident: undefined,
    data: unknown,
    actorId: string | null,
  ): Promise<Omit<PagerDutyAction, 'incident'>>;
  private async deliver(
    type: PdEventType,
    incident: PdIncident | undefined,
    data: unknown,
    actorId: string | null,
  ): Promise<Omit<PagerDutyAction, 'incident'> & { incident?: PdIncident }> {
    const secrets =
      this.target.secrets ?? (this.target.secret ? [this.target.secret] : []);
    const envelope = webhookEnvelope({
      eventType: type,
      occurredAt: this.state.now().toISOString(),
      agent: actorId ? this.json.userRef(actorId) : null,
      data,
    });
    const rawBody = Buffer.from(JSON.stringify(envelope));
    const headers = webhookHeaders(secrets, rawBody, this.subscriptionId);
    const url = this.target.url ?? 'http://capture.invalid/webhook';
    const webhook: CapturedWebhook = {
      rawBody,
      headers,
      method: 'POST',
      url: new URL(url).pathname,
    };
    this.webhooks.push(webhook);
    if (this.webhooks.length > 1000) this.webhooks.shift();
    const delivery = this.target.url
      ? await this.sender.send({
          url: this.target.url,
          method: 'POST',
          headers,
          rawBody,
        })
      : 'captured';
    return { incident, webhook, delivery };
  }

  // --- Admin HTTP routes (the demo and black-box tests drive these) --------------------

  private registerAdminRoutes() {
    const admin =
      (handler: SimRoute): SimRoute =>
      async req => {
        try {
          return await handler(req);
        } catch (error) {
          if (error instanceof PdInputError)
            return {
              status: /Not Found/.test(error.message) ? 404 : 400,
              body: pdErrorBody(400, error.message),
            };
          if (error instanceof SyntaxError)
            return { status: 400, body: pdErrorBody(400, 'body is not JSON') };
          throw error;
        }
      };
    const reply = (action: PagerDutyAction): SimResponse => ({
      status: 200,
      body: {
        incident: this.json.incident(action.incident),
        event: JSON.parse(action.webhook.rawBody.toString('utf8')).event,
        delivery: action.delivery,
      },
    });
    const as = (body: any) =>
      typeof body?.as === 'string' ? this.actorId(body.as) : DEFAULT_ACTOR;
    const r = (path: string, handler: SimRoute) =>
      this.server.route('POST', `/__admin${path}`, admin(handler));

    r('/incidents', async req => {
      const body = req.json() ?? {};
      if (typeof body.title !== 'string')
        throw new PdInputError("Title can't be blank");
      const action = await this.trigger(
        {
          title: body.title,
          serviceId: body.service_id ?? 'PSVC001',
          urgency: body.urgency,
          details: body.details,
          incidentKey: body.incident_key,
          priorityId: body.priority
            ? (this.state.priorityByName(body.priority)?.id ?? body.priority)
            : undefined,
        },
        as(body),
      );
      return { ...reply(action), status: 201 };
    });
    r('/incidents/:id/acknowledge', async req =>
      reply(await this.acknowledge(req.params.id, as(req.json()))),
    );
    r('/incidents/:id/resolve', async req =>
      reply(await this.resolve(req.params.id, as(req.json()))),
    );
    r('/incidents/:id/reopen', async req =>
      reply(await this.reopen(req.params.id, as(req.json()))),
    );
    r('/incidents/:id/reassign', async req => {
      const body = req.json() ?? {};
      return reply(
        await this.reassign(req.params.id, String(body.user ?? ''), as(body)),
      );
    });
    r('/incidents/:id/escalate', async req =>
      reply(await this.escalate(req.params.id, as(req.json()))),
    );
    r('/incidents/:id/delegate', async req => {
      const body = req.json() ?? {};
      return reply(
        await this.delegate(
          req.params.id,
          String(body.escalation_policy_id ?? ''),
          as(body),
        ),
      );
    });
    r('/incidents/:id/status-updates', async req => {
      const body = req.json() ?? {};
      return reply(
        await this.publishStatusUpdate(
          req.params.id,
          String(body.message ?? ''),
          as(body),
        ),
      );
    });
    r('/incidents/:id/conference-bridge', async req => {
      const body = req.json() ?? {};
      return reply(
        await this.setConferenceBridge(
          req.params.id,
          { number: String(body.number ?? ''), url: String(body.url ?? '') },
          as(body),
        ),
      );
    });
    r('/incidents/:id/priority', async req => {
      const body = req.json() ?? {};
      return reply(
        await this.changePriority(
          req.params.id,
          body.priority ?? null,
          as(body),
        ),
      );
    });
    r('/incidents/:id/notes', async req => {
      const body = req.json() ?? {};
      return reply(
        await this.annotate(
          req.params.id,
          String(body.content ?? ''),
          as(body),
        ),
      );
    });
    r('/webhook-target', req => {
      const body = req.json() ?? {};
      this.setWebhookTarget({
        url: body.url,
        secret: body.secret,
        secrets: body.secrets,
      });
      return { status: 204 };
    });
    this.server.route(
      'GET',
      '/__admin/incidents/:id',
      admin(req => ({
        status: 200,
        body: { incident: this.json.incident(this.incident(req.params.id)) },
      })),
    );
    this.server.route('GET', '/__admin/webhooks/last', () => {
      const last = this.lastWebhook();
      return last
        ? {
            status: 200,
            body: { ...last, rawBody: last.rawBody.toString('utf8') },
          }
        : { status: 404, body: pdErrorBody(404, 'No webhook yet') };
    });
  }

  private actorId(user: string): string {
    const found = this.state.user(user) ?? this.state.userByEmail(user);
    if (!found) throw new PdInputError(`User ${user} Not Found`);
    return found.id;
  }
}

export {
  deliverEveryPagerDutyEvent,
  type EveryPagerDutyEvent,
} from './everyEvent';
