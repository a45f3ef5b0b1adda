import { SimulatorServer } from '../shared/SimulatorServer';
import { WebhookSender } from '../shared/webhooks';
import { adfToText, textToAdf } from './adf';
import type { JiraCredentials } from './auth';
import { defaultErrorBody, jiraError, rateLimitHeaders } from './errors';
import {
  IssueStore,
  JiraInputError,
  type IssueFieldsInput,
} from './IssueStore';
import type { ChangelogItem, IssueRecord, JiraUser } from './model';
import { Presenter } from './present';
import { registerRestApi } from './restApi';
import type { JiraWebhookEvent } from './eventCatalogue';
import {
  commentChangedPayload,
  commentCreatedPayload,
  entityPayload,
  issueCommentedPayload,
  issueCreatedPayload,
  issueDeletedPayload,
  issueUpdatedPayload,
  worklogPayload,
} from './webhookPayloads';
import { signWebhook, type JiraWebhookScheme } from './webhookSigning';
import { pathBetween, statusByName } from './workflow';

export type { JiraCredentials } from './auth';
export type { JiraWebhookScheme } from './webhookSigning';
export {
  canonicalRequest as jiraCanonicalRequest,
  queryStringHash as jiraQueryStringHash,
} from './webhookSigning';
export { textToAdf as jiraTextToAdf, adfToText as jiraAdfToText } from './adf';
export type {
  IssueRecord as JiraIssueRecord,
  JiraUser,
  PriorityScheme as JiraPriorityScheme,
} from './model';
export { JIRA_WEBHOOK_EVENTS, type JiraWebhookEvent } from './eventCatalogue';
export { deliverEveryJiraEvent, type EveryJiraEvent } from './everyEvent';

/** Where webhooks go and how they are signed. */
export interface JiraWebhookTarget {
  /** The hub's webhook URL; without one, webhooks are only captured. */
  url?: string;
  /** The admin webhook secret, or the Connect app's shared secret for `jwt`. */
  secret: string;
  /** `hmac` (admin webhook, `X-Hub-Signature`) or `jwt` (Connect app, `Authorization: JWT`). */
  scheme?: JiraWebhookScheme;
  /** The Connect `clientKey` put in the JWT's `iss`. */
  issuer?: string;
  /** The events the webhook subscribes to; every event when absent. */
  events?: JiraWebhookEvent[];
}

/** A webhook as the hub receives it (the node package's `WebhookRequest`). */
export interface CapturedJiraWebhook {
  rawBody: Buffer;
  headers: Record<string, string>;
  method: string;
  url: string;
}

/** A person's edit in Jira vocabulary. */
export interface JiraPersonEdit {
  summary?: string;
  /** Plain text; stored as ADF. */
  description?: string;
  /** A priority name (`High`). */
  priority?: string;
  /** An accountId, or null to unassign. */
  assignee?: string | null;
  labels?: string[];
}

export interface JiraSimulatorOptions {
  port?: number;
  host?: string;
  webhook?: JiraWebhookTarget;
  credentials?: Partial<JiraCredentials>;
  /** Projects that exist (default `OPS`). */
  projects?: string[];
  /** Extra people besides the API user and the two agents that exist already. */
  users?: JiraUser[];
  /** Largest search page (Jira: 100 with fields); small values force paging in tests. */
  maxPageSize?: number;
  /** The site's priority scheme: `default` (Highest..Lowest) or `classic` (Blocker..Trivial). */
  priorityScheme?: 'default' | 'classic';
  /** Jira also sends webhooks for changes made through the REST API (echoes); off by default. */
  webhooksOnApiWrites?: boolean;
  now?: () => Date;
}

const CAPTURE_URL = 'http://127.0.0.1/api/itsm-sync/v1/webhooks/jira';
const DEFAULT_ISSUER = 'jira-simulator-client-key';

/** Agents who work tickets in the simulated Jira. */
export const JIRA_AGENTS: JiraUser[] = [
  {
    accountId: '5b10a2844c20165700ede21g',
    displayName: 'Mia Krystof',
    emailAddress: 'mia@example.com',
  },
  {
    accountId: '5b109f2e9729b51b54dc274d',
    displayName: 'Emma Richards',
    emailAddress: 'emma@example.com',
  },
];

/**
 * A stateful Jira Cloud site on loopback: REST v3 issues, workflow transitions, ADF
 * comments, JQL search with `nextPageToken` paging, basic auth with an API token, Jira's
 * error bodies and rate-limit headers, failure injection through `server`, and signed
 * webhooks (admin secret HMAC or Connect JWT) for changes made by people through the
 * `/__admin` routes or the `*AsPerson` methods.
 */
export class JiraSimulator {
  readonly server: SimulatorServer;
  readonly store: IssueStore;
  readonly webhooks = new WebhookSender();
  readonly credentials: JiraCredentials;
  readonly apiUser: JiraUser;
  private readonly presenter: Presenter;
  private target: JiraWebhookTarget;
  private readonly now: () => Date;
  maxPageSize: number;

  private constructor(options: JiraSimulatorOptions) {
    this.now = options.now ?? (() => new Date());
    this.credentials = {
      email: options.credentials?.email ?? 'sync-bot@example.com',
      api_token:
        options.credentials?.api_token ?? 'ATATT3xFfGF0-simulated-api-token',
    };
    this.apiUser = {
      accountId: '712020:0e5d1f5c-sync-bot',
      displayName: 'Sync Bot',
      emailAddress: this.credentials.email,
    };
    this.target = {
      secret: 'jira-webhook-secret',
      scheme: 'jwt',
      issuer: DEFAULT_ISSUER,
      ...options.webhook,
    };
    this.maxPageSize = options.maxPageSize ?? 100;
    this.store = new IssueStore(this.now, options.priorityScheme);
    for (const p of options.projects ?? ['OPS'])
      this.store.projects.add(p.toUpperCase());
    for (const u of [this.apiUser, ...JIRA_AGENTS, ...(options.users ?? [])])
      this.store.users.set(u.accountId, u);
    this.server = new SimulatorServer(
      'jira',
      defaultErrorBody,
      rateLimitHeaders(this.now),
    );
    this.presenter = new Presenter(this.store, () => this.server.baseUrl);
    const onApi = options.webhooksOnApiWrites ?? false;
    registerRestApi({
      server: this.server,
      store: this.store,
      presenter: this.presenter,
      credentials: this.credentials,
      apiAccountId: this.apiUser.accountId,
      maxPageSize: () => this.maxPageSize,
      now: this.now,
      listener: {
        created: (issue, actor) =>
          onApi &&
          void this.emit(
            issueCreatedPayload(
              this.presenter,
              this.store,
              issue,
              actor,
              this.now(),
            ),
          ),
        updated: (issue, items, actor) =>
          onApi &&
          void this.emit(
            issueUpdatedPayload(
              this.presenter,
              this.store,
              issue,
              items,
              actor,
              this.now(),
            ),
          ),
        commented: (issue, comment) =>
          onApi &&
          void this.emit(
            commentCreatedPayload(this.presenter, issue, comment, this.now()),
          ),
      },
    });
    this.registerAdminRoutes();
  }

  static async start(
    options: JiraSimulatorOptions = {},
  ): Promise<JiraSimulator> {
    const sim = new JiraSimulator(options);
    await sim.server.start(options.port ?? 0, options.host ?? '127.0.0.1');
    return sim;
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  /** The Connect `clientKey` webhooks carry as `iss` when signed with a JWT. */
  get issuer(): string {
    return this.target.issuer ?? DEFAULT_ISSUER;
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  setWebhookTarget(target: JiraWebhookTarget) {
    this.target = { ...this.target, ...target, url: target.url };
  }

  /** The last webhook built (sent or only captured). */
  lastWebhook(): CapturedJiraWebhook | undefined {
    const last = this.webhooks.sent[this.webhooks.sent.length - 1];
    if (!last) return undefined;
    const url = new URL(last.url);
    return {
      rawBody: last.rawBody,
      headers: { ...last.headers },
      method: 'POST',
      url: `${url.pathname}${url.search}`,
    };
  }

  issue(idOrKey: string): IssueRecord | undefined {
    return this.store.get(idOrKey);
  }

  /** The comment texts of an issue. */
  commentTexts(idOrKey: string): string[] {
    return this.store.get(idOrKey)?.comments.map(c => adfToText(c.body)) ?? [];
  }

  /** The comments of an issue with their Jira Service Management visibility. */
  comments(idOrKey: string): Array<{ text: string; public: boolean }> {
    return (
      this.store.get(idOrKey)?.comments.map(c => ({
        text: adfToText(c.body),
        public: c.jsdPublic !== false,
      })) ?? []
    );
  }

  /** A person creates an issue in Jira; sends `jira:issue_created`. */
  async createAsPerson(
    fields: IssueFieldsInput,
    as: string = JIRA_AGENTS[0].accountId,
  ): Promise<IssueRecord> {
    const issue = this.store.create(fields, as);
    await this.emit(
      issueCreatedPayload(this.presenter, this.store, issue, as, this.now()),
    );
    return issue;
  }

  /** A person edits fields; sends `jira:issue_updated` with the changelog. */
  async editAsPerson(
    idOrKey: string,
    edit: JiraPersonEdit,
    as: string = JIRA_AGENTS[0].accountId,
  ): Promise<CapturedJiraWebhook | undefined> {
    const issue = this.mustGet(idOrKey);
    const fields: IssueFieldsInput = {};
    if (edit.summary !== undefined) fields.summary = edit.summary;
    if (edit.description !== undefined)
      fields.description = edit.description
        ? textToAdf(edit.description)
        : null;
    if (edit.priority !== undefined) fields.priority = { name: edit.priority };
    if (edit.assignee !== undefined)
      fields.assignee =
        edit.assignee === null ? null : { accountId: edit.assignee };
    if (edit.labels !== undefined) fields.labels = edit.labels;
    const items = this.store.edit(issue, fields);
    if (!items.length) return undefined;
    await this.emit(
      issueUpdatedPayload(
        this.presenter,
        this.store,
        issue,
        items,
        as,
        this.now(),
      ),
    );
    return this.lastWebhook();
  }

  /**
   * A person moves an issue to a status, clicking through the workflow's transitions;
   * one `jira:issue_updated` per transition. Returns the last webhook.
   */
  async transitionAsPerson(
    idOrKey: string,
    status: string,
    as: string = JIRA_AGENTS[0].accountId,
  ): Promise<CapturedJiraWebhook | undefined> {
    const issue = this.mustGet(idOrKey);
    const target = statusByName(status);
    if (!target)
      throw new JiraInputError([`No status '${status}' in the workflow.`]);
    const path = pathBetween(issue.status, target.name);
    if (!path)
      throw new JiraInputError([
        `No way from '${issue.status}' to '${target.name}'.`,
      ]);
    for (const transition of path) {
      const items: ChangelogItem[] = this.store.transition(
        issue,
        transition.id,
      );
      await this.emit(
        issueUpdatedPayload(
          this.presenter,
          this.store,
          issue,
          items,
          as,
          this.now(),
        ),
      );
    }
    return path.length ? this.lastWebhook() : undefined;
  }

  /**
   * A person comments. Jira raises `jira:issue_updated` (`issue_commented`, the comment
   * riding along) and `comment_created`; the webhook gets each it subscribes to.
   */
  async commentAsPerson(
    idOrKey: string,
    text: string,
    as: string = JIRA_AGENTS[0].accountId,
    options: { internal?: boolean } = {},
  ): Promise<CapturedJiraWebhook | undefined> {
    const issue = this.mustGet(idOrKey);
    const comment = this.store.addComment(issue, textToAdf(text), as, options);
    await this.emit(
      issueCommentedPayload(
        this.presenter,
        this.store,
        issue,
        comment,
        'created',
        as,
        this.now(),
      ),
    );
    await this.emit(
      commentCreatedPayload(this.presenter, issue, comment, this.now()),
    );
    return this.lastWebhook();
  }

  /** A person edits their comment: `jira:issue_updated` (`issue_comment_edited`) and `comment_updated`. */
  async editCommentAsPerson(
    idOrKey: string,
    commentId: string,
    text: string,
    as: string = JIRA_AGENTS[0].accountId,
  ) {
    const issue = this.mustGet(idOrKey);
    const comment = this.store.editComment(
      issue,
      commentId,
      textToAdf(text),
      as,
    );
    await this.emit(
      issueCommentedPayload(
        this.presenter,
        this.store,
        issue,
        comment,
        'updated',
        as,
        this.now(),
      ),
    );
    await this.emit(
      commentChangedPayload(
        this.presenter,
        issue,
        comment,
        'updated',
        this.now(),
      ),
    );
    return this.lastWebhook();
  }

  /** A person deletes a comment: `jira:issue_updated` (`issue_comment_deleted`) and `comment_deleted`. */
  async deleteCommentAsPerson(
    idOrKey: string,
    commentId: string,
    as: string = JIRA_AGENTS[0].accountId,
  ) {
    const issue = this.mustGet(idOrKey);
    const comment = this.store.deleteComment(issue, commentId);
    await this.emit(
      issueCommentedPayload(
        this.presenter,
        this.store,
        issue,
        comment,
        'deleted',
        as,
        this.now(),
      ),
    );
    await this.emit(
      commentChangedPayload(
        this.presenter,
        issue,
        comment,
        'deleted',
        this.now(),
      ),
    );
    return this.lastWebhook();
  }

  /** A person deletes an issue; sends `jira:issue_deleted` with the issue as it was. */
  async deleteAsPerson(idOrKey: string, as: string = JIRA_AGENTS[0].accountId) {
    const issue = this.store.delete(this.mustGet(idOrKey));
    await this.emit(
      issueDeletedPayload(this.presenter, this.store, issue, as, this.now()),
    );
    return this.lastWebhook();
  }

  /** A person logs work on an issue; sends `worklog_created` (the worklog names the issue only by id). */
  async logWorkAsPerson(
    idOrKey: string,
    timeSpentSeconds: number,
    as: string = JIRA_AGENTS[0].accountId,
  ) {
    const issue = this.mustGet(idOrKey);
    const worklog = {
      id: String(20000 + this.webhooks.sent.length),
      authorAccountId: as,
      timeSpentSeconds,
      comment: 'Investigation',
    };
    await this.emit(
      worklogPayload(
        this.presenter,
        this.store,
        'worklog_created',
        issue,
        worklog,
        this.now(),
      ),
    );
    return this.lastWebhook();
  }

  /**
   * Sends an event about something other than an issue's fields and comments (a
   * worklog edit, an attachment, a link, a project, a sprint, a site option...), with the
   * entity given under the key Jira puts it. For tests that need the whole catalogue.
   */
  async sendEvent(
    event: JiraWebhookEvent,
    entityKey: string | null,
    entity: Record<string, unknown>,
  ) {
    await this.emit(entityPayload(event, entityKey, entity, this.now()));
    return this.lastWebhook();
  }

  private mustGet(idOrKey: string): IssueRecord {
    const issue = this.store.get(idOrKey);
    if (!issue) throw new JiraInputError([`Issue ${idOrKey} does not exist.`]);
    return issue;
  }

  /** Signs and sends (or, with no target URL, only captures) one webhook, if the target subscribes to its event. */
  private async emit(payload: { webhookEvent: string }): Promise<void> {
    if (
      this.target.events &&
      !(this.target.events as string[]).includes(payload.webhookEvent)
    )
      return;
    const rawBody = Buffer.from(JSON.stringify(payload));
    const url = this.target.url ?? CAPTURE_URL;
    const parsed = new URL(url);
    const headers = await signWebhook(
      rawBody,
      `${parsed.pathname}${parsed.search}`,
      {
        scheme: this.target.scheme ?? 'jwt',
        secret: this.target.secret,
        issuer: this.issuer,
      },
      this.now(),
    );
    const webhook = { url, method: 'POST' as const, headers, rawBody };
    if (this.target.url) await this.webhooks.send(webhook);
    else this.webhooks.sent.push(webhook);
  }

  private registerAdminRoutes() {
    const admin = (
      method: string,
      path: string,
      handler: (body: any, params: Record<string, string>) => Promise<unknown>,
    ) =>
      this.server.route(method, `/__admin${path}`, async req => {
        try {
          const result = await handler(req.json() ?? {}, req.params);
          return result === undefined
            ? { status: 204 }
            : { status: 200, body: result };
        } catch (error) {
          if (error instanceof JiraInputError)
            return jiraError(400, error.messages, error.fieldErrors);
          throw error;
        }
      });
    const summary = (w?: CapturedJiraWebhook) =>
      w
        ? {
            delivered_to: w.url,
            headers: w.headers,
            body: JSON.parse(w.rawBody.toString('utf8')),
          }
        : { delivered_to: null };
    admin('POST', '/webhook-target', async body => {
      this.setWebhookTarget(body);
    });
    admin('POST', '/issues', async body => {
      const issue = await this.createAsPerson(body.fields ?? {}, body.as);
      return { id: issue.id, key: issue.key };
    });
    admin('GET', '/issues/:idOrKey', async (_b, p) =>
      this.presenter.issue(this.mustGet(p.idOrKey)),
    );
    admin('POST', '/issues/:idOrKey/edit', async (body, p) =>
      summary(await this.editAsPerson(p.idOrKey, body.fields ?? body, body.as)),
    );
    admin('POST', '/issues/:idOrKey/transition', async (body, p) =>
      summary(await this.transitionAsPerson(p.idOrKey, body.status, body.as)),
    );
    admin('POST', '/issues/:idOrKey/comment', async (body, p) =>
      summary(
        await this.commentAsPerson(p.idOrKey, String(body.text ?? ''), body.as),
      ),
    );
    admin('GET', '/webhooks/last', async () => summary(this.lastWebhook()));
    admin('POST', '/users', async body => {
      if (!body.accountId || !body.displayName)
        throw new JiraInputError(['accountId and displayName are required']);
      this.store.users.set(body.accountId, {
        accountId: body.accountId,
        displayName: body.displayName,
        emailAddress: body.emailAddress ?? '',
      });
    });
  }
}
