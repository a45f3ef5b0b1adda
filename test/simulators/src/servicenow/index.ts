import { SimulatorServer } from '../shared/SimulatorServer';
import { WebhookSender } from '../shared/webhooks';
import { ServiceNowAuth, type ServiceNowCredentials } from './auth';
import { runBusinessRule, type SigningOptions } from './businessRule';
import {
  defaultErrorBody,
  errorResponse,
  notFound,
  rateLimitHeaders,
} from './errors';
import { IncidentStore, type WriteOutcome } from './IncidentStore';
import { presentIncident } from './present';
import type { IncidentRecord } from './records';
import { registerTableApi } from './tableApi';

export type { ServiceNowCredentials } from './auth';
export type {
  IncidentRecord as ServiceNowIncidentRecord,
  JournalEntry as ServiceNowJournalEntry,
} from './records';
export { calculatePriority as serviceNowPriority } from './priorityMatrix';
export { SHIPPED_SERVICENOW_SCRIPTS } from './businessRule';

/** Where the business rule posts, and how it signs. */
export interface ServiceNowWebhookTarget extends SigningOptions {
  /** The hub's webhook URL; without one, webhooks are only captured. */
  url?: string;
}

/** A webhook as the hub would receive it (the node package's `WebhookRequest`). */
export interface CapturedServiceNowWebhook {
  rawBody: Buffer;
  headers: Record<string, string>;
  method: string;
  url: string;
}

export interface ServiceNowSimulatorOptions {
  port?: number;
  host?: string;
  webhook?: ServiceNowWebhookTarget;
  credentials?: Partial<ServiceNowCredentials>;
  /** Extra sys_user rows (Beth Anglin and David Loo exist already). */
  users?: Array<{ user_name: string; name: string; email: string }>;
  /** sys_user_group rows by name (what `assignment_group` references). */
  groups?: string[];
  /** cmdb_ci rows by name (what `cmdb_ci` references). */
  configurationItems?: string[];
  /** Also run the business rule for writes made through the Table API (echoes). */
  businessRuleOnApiWrites?: boolean;
  /** ServiceNow's `glide.invalid_query.returns_no_rows`; off by default, as on a new instance. */
  invalidQueryReturnsNoRows?: boolean;
  now?: () => Date;
}

/** Who edits when a test does not say. */
const DEFAULT_PERSON = 'beth.anglin';

/**
 * A stateful ServiceNow instance on loopback: the Table API for incidents (with users
 * and the journal), basic auth and OAuth client credentials, ServiceNow's error bodies
 * and rate-limit headers, failure injection through `server`, and the business
 * rule that posts a signed payload when a person edits an incident (`editAsPerson` or
 * `POST /__admin/servicenow/incidents/{sys_id}/edit`).
 */
export class ServiceNowSimulator {
  readonly server: SimulatorServer;
  readonly store: IncidentStore;
  readonly auth: ServiceNowAuth;
  readonly sender = new WebhookSender();
  /** Every webhook built, delivered or not, oldest first. */
  readonly webhooks: CapturedServiceNowWebhook[] = [];
  private target?: ServiceNowWebhookTarget;
  businessRuleOnApiWrites: boolean;
  invalidQueryReturnsNoRows: boolean;
  private readonly now: () => Date;

  private constructor(options: ServiceNowSimulatorOptions) {
    this.now = options.now ?? (() => new Date());
    this.server = new SimulatorServer(
      'servicenow',
      defaultErrorBody,
      rateLimitHeaders,
    );
    this.store = new IncidentStore(this.now);
    this.store.addUser({
      user_name: 'beth.anglin',
      name: 'Beth Anglin',
      email: 'beth.anglin@example.com',
    });
    this.store.addUser({
      user_name: 'david.loo',
      name: 'David Loo',
      email: 'david.loo@example.com',
    });
    for (const user of options.users ?? []) this.store.addUser(user);
    for (const name of options.groups ?? [])
      this.store.addNamed('sys_user_group', name);
    for (const name of options.configurationItems ?? [])
      this.store.addNamed('cmdb_ci', name);
    this.auth = new ServiceNowAuth({
      username: 'itsm.sync',
      password: 'sim-password-5f3a',
      client_id: 'sim-client-7c21',
      client_secret: 'sim-client-secret-91be',
      ...options.credentials,
    });
    this.target = options.webhook;
    this.businessRuleOnApiWrites = options.businessRuleOnApiWrites ?? false;
    this.invalidQueryReturnsNoRows = options.invalidQueryReturnsNoRows ?? false;

    this.server.route('POST', '/oauth_token.do', req =>
      this.auth.tokenEndpoint(req),
    );
    registerTableApi({
      server: this.server,
      store: this.store,
      auth: this.auth,
      invalidQueryReturnsNoRows: () => this.invalidQueryReturnsNoRows,
      onApiWrite: (outcome, operation) => {
        if (this.businessRuleOnApiWrites)
          void this.runBusinessRule(outcome, operation);
      },
    });
    this.registerAdminRoutes();
  }

  static async start(
    options: ServiceNowSimulatorOptions = {},
  ): Promise<ServiceNowSimulator> {
    const simulator = new ServiceNowSimulator(options);
    await simulator.server.start(
      options.port ?? 0,
      options.host ?? '127.0.0.1',
    );
    return simulator;
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  /** What an integration needs: basic auth (username/password) or OAuth (client_id/client_secret). */
  get credentials(): ServiceNowCredentials {
    return { ...this.auth.credentials };
  }

  setWebhookTarget(target: ServiceNowWebhookTarget) {
    this.target = target;
  }

  incident(sysId: string): IncidentRecord | undefined {
    return this.store.incidents.get(sysId);
  }

  /** Work note texts of an incident, oldest first. */
  workNotes(sysId: string): string[] {
    return this.store.journalOf(sysId, 'work_notes').map(j => j.value);
  }

  /** The additional comments (customer-visible journal) of an incident, oldest first. */
  comments(sysId: string): string[] {
    return this.store.journalOf(sysId, 'comments').map(j => j.value);
  }

  lastWebhook(): CapturedServiceNowWebhook | undefined {
    return this.webhooks.at(-1);
  }

  /** Creates an incident as a person in the ServiceNow UI would; the business rule fires. */
  async createAsPerson(values: Record<string, string>, user = DEFAULT_PERSON) {
    const outcome = this.store.create(values, user);
    const delivery = await this.runBusinessRule(outcome, 'insert');
    return { record: outcome.record, ...delivery };
  }

  /**
   * Changes an incident as a person in the ServiceNow UI would (columns in ServiceNow's
   * vocabulary; `work_notes` adds a journal entry); the business rule then sends its
   * signed payload. Throws when the incident does not exist.
   */
  async editAsPerson(
    sysId: string,
    changes: Record<string, string>,
    user = DEFAULT_PERSON,
  ) {
    const outcome = this.store.update(sysId, changes, user);
    if (!outcome) throw new Error(`No incident ${sysId}`);
    const delivery = await this.runBusinessRule(outcome, 'update');
    return { record: outcome.record, ...delivery };
  }

  async stop() {
    await this.server.stop();
  }

  private async runBusinessRule(
    outcome: WriteOutcome,
    operation: 'insert' | 'update',
  ) {
    if (!this.target) return { webhook: undefined, status: undefined };
    // The business rule the ServiceNow module ships, run as an instance would run it.
    const sent = runBusinessRule(
      this.store,
      outcome.record,
      operation,
      outcome.changed,
      this.target,
      this.now(),
    );
    const { rawBody, headers } = sent;
    const url = sent.url || undefined;
    const webhook = {
      rawBody,
      headers,
      method: sent.method,
      url: url ? new URL(url).pathname : '/',
    };
    this.webhooks.push(webhook);
    if (this.webhooks.length > 1000) this.webhooks.shift();
    const status = url
      ? await this.sender.send({ url, method: 'POST', headers, rawBody })
      : undefined;
    return { webhook, status };
  }

  private registerAdminRoutes() {
    const admin = '/__admin/servicenow';
    const asObject = (v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? (v as Record<string, any>)
        : {};
    const present = (record: IncidentRecord) =>
      presentIncident(this.store, record, {
        displayValue: 'false',
        excludeReferenceLink: true,
        baseUrl: this.baseUrl,
      });

    this.server.route('POST', `${admin}/incidents/:sys_id/edit`, async req => {
      const body = asObject(req.json());
      const changes = asObject(body.changes);
      if (!Object.keys(changes).length)
        return errorResponse(
          400,
          'changes must be an object of incident columns',
        );
      if (!this.store.incidents.has(req.params.sys_id)) return notFound();
      const result = await this.editAsPerson(
        req.params.sys_id,
        changes,
        body.user ?? DEFAULT_PERSON,
      );
      return {
        status: 200,
        body: {
          result: present(result.record),
          webhook_status: result.status ?? null,
        },
      };
    });
    this.server.route('POST', `${admin}/incidents`, async req => {
      const body = asObject(req.json());
      const result = await this.createAsPerson(
        asObject(body.values),
        body.user ?? DEFAULT_PERSON,
      );
      return {
        status: 201,
        body: {
          result: present(result.record),
          webhook_status: result.status ?? null,
        },
      };
    });
    this.server.route('GET', `${admin}/incidents`, () => ({
      status: 200,
      body: { result: [...this.store.incidents.values()].map(present) },
    }));
    this.server.route('POST', `${admin}/webhook-target`, req => {
      const body = asObject(req.json());
      if (typeof body.secret !== 'string' || !body.secret)
        return errorResponse(400, 'secret is required');
      this.setWebhookTarget({
        url: body.url,
        secret: body.secret,
        encoding: body.encoding,
        timestamp: body.timestamp,
      });
      return { status: 204 };
    });
    this.server.route('GET', `${admin}/webhooks/last`, () => {
      const last = this.lastWebhook();
      if (!last) return notFound();
      return {
        status: 200,
        body: {
          raw_body: last.rawBody.toString('utf8'),
          headers: last.headers,
        },
      };
    });
  }
}
