import type { LoggerService } from '@backstage/backend-plugin-api';
import type { OutboundPolicy } from './outbound/OutboundPolicy';
import type { ConnectorSettingsDeclaration } from './settingsSchema';
import type {
  FieldOwnershipRule,
  IncidentStatus,
  RoutingTarget,
  NoteVisibility,
  Severity,
} from '@itsm-sync-hub/plugin-itsm-sync-common';

/** The platform-side values of the synced fields of one incident. @public */
export interface PlatformIncidentFields {
  title: string;
  description: string;
  severity: Severity;
  status: IncidentStatus;
  assigned_to: string | null;
  escalation_policy: string | null;
}

/** A platform incident as a connector sees it. @public */
export interface PlatformIncident extends PlatformIncidentFields {
  id: string;
  entity_ref: string | null;
  /** What kind of incident it is (PagerDuty's service mapping picks the service by it). */
  incident_type?: string | null;
}

/**
 * One configured integration, decrypted for the duration of a call. Connectors must
 * never log `credentials` or `webhookSecrets`.
 * @public
 */
export interface ConnectorIntegration {
  id: string;
  name: string;
  organizationId: string;
  baseUrl: string;
  credentials: Record<string, string>;
  /** Newest first; every one is accepted so that secrets can be rotated. */
  webhookSecrets: string[];
  /**
   * SHA-256 (hex) of every live callback token the hub issued for this integration
   * (docs/connectors/webhook.md#callback-tokens). The tokens themselves are shown once and never stored; a connector that
   * authenticates inbound calls by callback token hashes what it is given and compares
   * in constant time (see `matchingCallbackTokenHash`).
   */
  callbackTokenHashes?: string[];
  settings: Record<string, unknown>;
}

/**
 * One-time values a connector must accept only once (a Jira Connect JWT), remembered until
 * they expire. The hub's is shared by every replica through the database.
 * @public
 */
export interface ReplayGuard {
  /**
   * True the first time `key` is presented; false for every later time until `expiresAt`
   * (epoch ms). Keys should be hashes: they are stored.
   */
  firstUse(key: string, expiresAt: number): Promise<boolean>;
}

/** What every connector call receives. @public */
export interface ConnectorContext {
  integration: ConnectorIntegration;
  logger: LoggerService;
  signal?: AbortSignal;
  /**
   * Where vendor calls may go (`itsmSync.outbound`); hand it to `VendorHttpClient`. The hub
   * always sets it; without it the strict policy applies (no private address at all).
   */
  outbound?: OutboundPolicy;
  /**
   * Where one-time credentials of inbound webhooks are marked used. The hub sets it for
   * `verifyWebhook`; a connector that needs it refuses when it is absent.
   */
  replays?: ReplayGuard;
}

/** A vendor ticket, normalised to platform field names. @public */
export interface ExternalTicket {
  /** The vendor's stable id (ServiceNow sys_id, Jira issue id, PagerDuty incident id). */
  externalId: string;
  /** The human-readable key (INC0010001, OPS-12, incident number), if any. */
  externalKey?: string;
  /** A browser link to the ticket. */
  url?: string;
  fields: Partial<PlatformIncidentFields>;
  /** ISO-8601 time the vendor last changed the ticket. */
  updatedAt: string;
  /** The dedup key the hub gave the ticket when it created it, if the vendor keeps one. */
  dedupKey?: string;
  /**
   * Catalog annotations whose value says where the ticket lives at the vendor (PagerDuty's
   * service under `pagerduty.com/service-id`): the hub finds the catalog entity of an
   * incident created from the vendor by them.
   */
  catalogKeys?: Array<{ annotation: string; value: string }>;
  /** The incident type the vendor's side maps to (PagerDuty's service mapping). */
  incidentType?: string;
}

/** A comment/work note. @public */
export interface IncidentNote {
  text: string;
  /** Who wrote it, as that system names them. */
  author?: string;
  /** The channel it belongs to; absent means `internal` (docs/sync-semantics.md#notes-and-channels). */
  visibility?: NoteVisibility;
  /**
   * The system the note was written in, for people (`PagerDuty`); absent for a note written
   * on the platform. Connectors show it with the author (`formatNoteForVendor`).
   */
  origin?: string;
  /** Inbound: the vendor's id of the note (PagerDuty note id, Jira comment id), when it has one. */
  externalNoteId?: string;
}

/** What `addNote` made at the vendor. @public */
export interface AddedNote {
  /** The vendor's id of the new note, so its echo can be recognised when it comes back. */
  externalNoteId?: string;
}

/** Input of `createTicket`. @public */
export interface CreateTicketInput {
  incident: PlatformIncident;
  /**
   * Stable for the life of the incident and integration; the connector stores it with the
   * ticket (PagerDuty `incident_key`, a ServiceNow correlation_id, a Jira label/property)
   * so that `findTicketByDedupKey` can find a ticket created by a crashed attempt.
   */
  dedupKey: string;
  /**
   * Where routing placed the ticket, from the incident's catalog entity (its PagerDuty
   * service, ServiceNow assignment group and CI, Jira project): a connector uses the values
   * it knows over its integration's defaults and ignores the others. Absent or empty: the
   * defaults apply.
   */
  target?: RoutingTarget;
}

/** Input of `updateTicket`. @public */
export interface UpdateTicketInput {
  externalId: string;
  /** Only the fields to change. */
  changes: Partial<PlatformIncidentFields>;
  /** The incident as it is now, for connectors whose API needs more than the changes. */
  incident: PlatformIncident;
}

/** A page of tickets changed since a time. @public */
export interface ChangedTicketsPage {
  tickets: ExternalTicket[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  nextCursor?: string;
}

/** The raw request of an inbound webhook. @public */
export interface WebhookRequest {
  /** The body exactly as received: signatures are checked over these bytes. */
  rawBody: Buffer;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** The path and query the vendor called, for schemes that sign it (Jira's qsh). */
  method: string;
  url: string;
}

/** @public */
export type WebhookVerification =
  | {
      ok: true;
      /**
       * The stored hash of the callback token that authenticated the call, when one did
       * (docs/connectors/webhook.md#callback-tokens): the hub notes when each token was last used.
       */
      callbackTokenHash?: string;
    }
  | { ok: false; reason: string };

/** One change a webhook reports, normalised. @public */
export interface NormalizedChange {
  /** The vendor's delivery or event id: the idempotency key of the inbound pipeline. */
  eventId: string;
  externalId: string;
  externalKey?: string;
  /** `deleted`: the vendor deleted the ticket; its link is marked gone and nothing more is sent to it. */
  kind: 'created' | 'updated' | 'note' | 'event' | 'deleted';
  /** The fields the vendor says changed, with their new values. */
  fields: Partial<PlatformIncidentFields>;
  note?: IncidentNote;
  /** A line for the incident's timeline (PagerDuty's `incident.escalated`). */
  timeline?: string;
  /** ISO-8601 time of the change at the vendor. */
  occurredAt: string;
  /** Who made the change at the vendor, if known. */
  actor?: string;
  /** The full ticket when the payload carries one (needed for `created`). */
  ticket?: ExternalTicket;
}

/**
 * A delivery a connector read and acknowledges but does not act on (an event type the
 * hub does not sync, a ticket outside the integration's scope). The hub answers it 2xx,
 * counts it per integration, event type and reason, and shows the counts in sync-status.
 * @public
 */
export interface IgnoredWebhookEvent {
  /** The vendor's event name, e.g. `incident.workflow.started` or `worklog_created`. */
  eventType: string;
  /** Why nothing is done, for people. Keep it free of ids so that like events count together. */
  reason: string;
  /** The vendor's event or delivery id, when it has one. */
  eventId?: string;
  /** The ticket the event is about, when it names one. */
  externalId?: string;
}

/** What a verified webhook carries: changes to apply and events acknowledged without action. @public */
export interface ParsedWebhook {
  changes: NormalizedChange[];
  ignored: IgnoredWebhookEvent[];
}

/**
 * Behaviour a connector opts into that no method of its own shows. What it can call is
 * told by its methods (an optional method it lacks is a thing it cannot do).
 * @public
 */
export interface ConnectorCapabilities {
  /** Inbound webhooks may create platform incidents (PagerDuty `incident.triggered`). */
  inboundCreate: boolean;
  /**
   * Inbound calls are authenticated by hub-issued callback tokens, so the integration
   * handed to `verifyWebhook` carries their live hashes. Optional; other connectors are
   * spared a database read on every webhook.
   */
  callbackTokens?: boolean;
  /**
   * An organization may have one integration of this type (the templated ITSM webhook,
   * docs/connectors/webhook.md): a second is refused; edit the existing one instead.
   */
  onePerOrganization?: boolean;
}

/** Mappings a connector declares, for people to read. @public */
export interface ConnectorMappingDescription {
  fields: Array<{ platform: string; external: string }>;
  status: Array<{ platform: string; external: string }>;
  severity: Array<{ platform: string; external: string }>;
}

/**
 * One external system. A connector maps fields and talks to the vendor; the core owns
 * ordering, retries, idempotency, echo suppression, conflicts and persistence.
 *
 * Errors: throw `ConnectorError` (see `errors.ts`) so the core can tell a retryable
 * failure, a rate limit and a permanent rejection apart.
 * @public
 */
export interface ItsmConnector {
  /** The `integration_type` this connector serves, e.g. `servicenow`. */
  readonly type: string;
  readonly displayName: string;
  readonly capabilities: ConnectorCapabilities;
  /** Field names ownership rules may name for this type. */
  readonly fields: string[];
  /** Ownership seeded on a new integration (docs/sync-semantics.md#default-ownership-per-connector). */
  readonly defaultFieldOwnership: FieldOwnershipRule[];
  readonly mappings: ConnectorMappingDescription;
  /** How inbound webhooks are authenticated, for people (e.g. `HMAC-SHA256`). */
  readonly webhookAuth: string;
  /** Credential entries the connector needs, e.g. `['username', 'password']`. */
  readonly credentialKeys: string[][];
  /**
   * Settings whose values are secret (maps, e.g. extra request headers carrying API keys):
   * the hub seals them with the credentials, stores and returns only their entry names, and
   * hands the values to connector calls. Optional.
   */
  readonly sealedSettings?: readonly string[];

  /**
   * The connector's settings as a zod schema, and those writes need: checked when an
   * integration is saved (a sending integration lacking one is refused) and returned by
   * `GET /v1/connectors` as JSON Schema, from which the CLI and the portal build their forms.
   * Optional.
   */
  readonly settingsSchema?: ConnectorSettingsDeclaration;

  /**
   * Checks an integration's settings when it is saved; throws an Error whose message
   * names the bad setting. Optional.
   */
  validateSettings?(settings: Record<string, unknown>): void;

  /**
   * Maps an ownership field name of this connector to the platform field it governs
   * (Jira's `priority` to `severity`); identity when absent.
   */
  platformFieldFor?(ownershipField: string): string | undefined;

  testConnection(
    ctx: ConnectorContext,
  ): Promise<{ ok: boolean; message: string }>;

  createTicket(
    ctx: ConnectorContext,
    input: CreateTicketInput,
  ): Promise<ExternalTicket>;

  /** Finds a ticket this hub created earlier with the given dedup key. */
  findTicketByDedupKey(
    ctx: ConnectorContext,
    dedupKey: string,
  ): Promise<ExternalTicket | undefined>;

  updateTicket(
    ctx: ConnectorContext,
    input: UpdateTicketInput,
  ): Promise<ExternalTicket | void>;

  /**
   * Posts a note in the vendor channel its `visibility` maps to, with its origin and author
   * shown (`formatNoteForVendor`); answers the vendor's id of the note when it has one.
   */
  addNote(
    ctx: ConnectorContext,
    externalId: string,
    note: IncidentNote,
  ): Promise<AddedNote | void>;

  /** Undefined when the ticket does not exist (any more). */
  fetchTicket(
    ctx: ConnectorContext,
    externalId: string,
  ): Promise<ExternalTicket | undefined>;

  /** Several tickets in as few requests as the vendor allows. */
  fetchTickets?(
    ctx: ConnectorContext,
    externalIds: string[],
  ): Promise<ExternalTicket[]>;

  /**
   * Tickets changed since a time, a page at a time, so drift reconcile can list instead of
   * fetching every linked ticket. Optional: without it reconcile fetches the links' tickets.
   */
  listChangedSince?(
    ctx: ConnectorContext,
    since: Date,
    cursor?: string,
  ): Promise<ChangedTicketsPage>;

  /** Authenticity over the raw bytes, before anything is parsed; constant-time compares. */
  verifyWebhook(
    ctx: ConnectorContext,
    request: WebhookRequest,
  ): Promise<WebhookVerification>;

  /**
   * Parses a verified webhook. Throws `WebhookParseError` only for a body that cannot be
   * read at all (not JSON, no event name); an event the connector does not act on is
   * returned in `ignored` with its reason, so the vendor gets its 2xx (a vendor that sees
   * 4xx answers disables the subscription). A bare list means every event is a change.
   */
  parseWebhook(
    ctx: ConnectorContext,
    request: WebhookRequest,
  ): Promise<NormalizedChange[] | ParsedWebhook>;

  /** Who is on call for a schedule now (PagerDuty; `im integration oncall`, docs/connectors/pagerduty.md#on-call). */
  listOncall?(
    ctx: ConnectorContext,
    scheduleId: string,
  ): Promise<OncallEntry[]>;
}

/** One on-call entry. @public */
export interface OncallEntry {
  user: string;
  email?: string;
  escalationLevel: number;
  escalationPolicy?: string;
  start: string | null;
  end: string | null;
}
