import { z } from 'zod';
import {
  CONFLICT_RESOLUTIONS,
  CONFLICT_STATUSES,
  CONFLICT_STRATEGIES,
  FIELD_OWNERS,
  INCIDENT_STATUSES,
  NOTE_VISIBILITIES,
  METRIC_SERIES_WINDOWS,
  SEVERITIES,
  SYNC_DIRECTIONS,
} from './vocabulary';

/*
 * Request bodies of the REST API, shared by the backend (validation), the CLI and the
 * frontend (types). Field names are snake_case as in the spec documents.
 */

const nonEmpty = (max: number) => z.string().trim().min(1).max(max);

/** Integration names are addressed from the CLI, so they must not look like ids. @public */
export const integrationNameSchema = nonEmpty(200);

function hasUserinfo(url: string): boolean {
  try {
    const parsed = new URL(url);
    return Boolean(parsed.username || parsed.password);
  } catch {
    return false;
  }
}

const httpUrl = z
  .string()
  .trim()
  .url()
  .refine(u => /^https?:\/\//i.test(u), 'must be an http(s) URL')
  .refine(
    u => !hasUserinfo(u),
    'must not contain a user name or password; put them in credentials',
  );

/** Free-form string credentials (username/password, token, client id/secret...). @public */
export const credentialsSchema = z.record(z.string().min(1), z.string().min(1));

/** Signing secrets for inbound webhooks; several are accepted during rotation. @public */
export const webhookSecretsSchema = z.array(z.string().min(8)).max(5);

const integrationTunables = {
  sync_direction: z.enum(SYNC_DIRECTIONS),
  enabled: z.boolean(),
  conflict_strategy: z.enum(CONFLICT_STRATEGIES),
  /** Two changes of a field within this window are a conflict (default 5 s; docs/sync-semantics.md#detection). */
  conflict_window_seconds: z.number().int().min(0).max(3600),
  /** Outbound requests per minute to the vendor (docs/sync-semantics.md#rate-limits). */
  rate_limit: z.number().int().min(1).max(100000).nullable(),
  /** Multiplies the retry schedule's delays (docs/sync-semantics.md#backoff-multiplier). */
  backoff_multiplier: z.number().min(0.1).max(100),
  /** Vendor-specific settings a connector reads (service mapping, templates...). */
  settings: z.record(z.string(), z.unknown()),
};

/** @public */
export const createIntegrationRequestSchema = z
  .object({
    organization_id: nonEmpty(200),
    integration_type: nonEmpty(100),
    name: integrationNameSchema,
    base_url: httpUrl,
    credentials: credentialsSchema.default({}),
    webhook_secrets: webhookSecretsSchema.default([]),
    sync_direction: integrationTunables.sync_direction.default('bidirectional'),
    enabled: integrationTunables.enabled.default(true),
    conflict_strategy:
      integrationTunables.conflict_strategy.default('last-write-wins'),
    conflict_window_seconds:
      integrationTunables.conflict_window_seconds.default(5),
    rate_limit: integrationTunables.rate_limit.default(null),
    backoff_multiplier: integrationTunables.backoff_multiplier.default(1),
    settings: integrationTunables.settings.default({}),
  })
  .strict();
/** @public */
export type CreateIntegrationRequest = z.input<
  typeof createIntegrationRequestSchema
>;

/** @public */
export const updateIntegrationRequestSchema = z
  .object({
    name: integrationNameSchema,
    base_url: httpUrl,
    credentials: credentialsSchema,
    webhook_secrets: webhookSecretsSchema,
    ...integrationTunables,
  })
  .partial()
  .strict()
  .refine(v => Object.keys(v).length > 0, 'at least one field must be given');
/** @public */
export type UpdateIntegrationRequest = z.input<
  typeof updateIntegrationRequestSchema
>;

/** @public */
export const fieldOwnershipRuleRequestSchema = z
  .object({
    owner: z.enum(FIELD_OWNERS),
    priority: z.number().int().min(0).max(1000).default(0),
  })
  .strict();
/** @public */
export type FieldOwnershipRuleRequest = z.input<
  typeof fieldOwnershipRuleRequestSchema
>;

/** Field names that ownership rules may name. @public */
export const fieldNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a lower-case field name');

const entityRef = z
  .string()
  .trim()
  .regex(
    /^([a-z0-9-_.]+:)?([a-z0-9-_.]+\/)?[A-Za-z0-9-_.]+$/i,
    'must be an entity ref such as component:default/payments',
  );

const incidentType = z.string().trim().min(1).max(100);

/** @public */
export const createIncidentRequestSchema = z
  .object({
    title: nonEmpty(500),
    description: z.string().max(20000).default(''),
    severity: z.enum(SEVERITIES),
    status: z.enum(INCIDENT_STATUSES).default('open'),
    assigned_to: z.string().trim().max(200).nullable().default(null),
    escalation_policy: z.string().trim().max(200).nullable().default(null),
    entity_ref: entityRef.nullable().default(null),
    /** What kind of incident it is (`infrastructure`, `database`...); routing rules and service mappings match on it. */
    incident_type: incidentType.nullable().default(null),
    /** Integrations (ids or names) to open tickets in straight away. */
    integrations: z.array(nonEmpty(200)).max(20).default([]),
  })
  .strict();
/** @public */
export type CreateIncidentRequest = z.input<typeof createIncidentRequestSchema>;

/** @public */
export const updateIncidentRequestSchema = z
  .object({
    title: nonEmpty(500),
    description: z.string().max(20000),
    severity: z.enum(SEVERITIES),
    status: z.enum(INCIDENT_STATUSES),
    assigned_to: z.string().trim().max(200).nullable(),
    escalation_policy: z.string().trim().max(200).nullable(),
    entity_ref: entityRef.nullable(),
    incident_type: incidentType.nullable(),
  })
  .partial()
  .strict()
  .refine(v => Object.keys(v).length > 0, 'at least one field must be given');
/** @public */
export type UpdateIncidentRequest = z.input<typeof updateIncidentRequestSchema>;

/** A note's author is always the authenticated caller, never a field of the request. @public */
export const addNoteRequestSchema = z
  .object({
    text: nonEmpty(20000),
    /** `internal` (the default) or `public` (docs/sync-semantics.md#notes-and-channels). */
    visibility: z.enum(NOTE_VISIBILITIES).optional(),
  })
  .strict();
/** @public */
export type AddNoteRequest = z.input<typeof addNoteRequestSchema>;

/** @public */
export const linkIncidentRequestSchema = z
  .object({ integration: nonEmpty(200) })
  .strict();

/** Accepts `90s`, `15m`, `1h`, `2d` or a number of seconds. @public */
export const intervalSchema = z.union([
  z.string().regex(/^\d+\s*[smhd]$/, 'must look like 30m, 1h or 1d'),
  z.number().int().positive(),
]);

/** Interval in seconds from the spec's `1h` form. @public */
export function intervalToSeconds(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+)\s*([smhd])$/.exec(value.trim());
  if (!match) throw new Error(`Invalid interval '${value}'`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[
    match[2] as 's' | 'm' | 'h' | 'd'
  ];
  return Number(match[1]) * unit;
}

/** `{auto_heal: true}` alone is a healing run; anything else defaults to a dry run. @public */
export const reconcileRequestSchema = z
  .object({
    dry_run: z.boolean().optional(),
    auto_heal: z.boolean().default(false),
  })
  .strict()
  .transform(v => ({
    dry_run: v.dry_run ?? !v.auto_heal,
    auto_heal: v.auto_heal,
  }))
  .refine(v => !(v.dry_run && v.auto_heal), {
    message: 'dry_run and auto_heal cannot both be true',
    path: ['auto_heal'],
  });
/** @public */
export type ReconcileRequest = z.input<typeof reconcileRequestSchema>;

/** @public */
export const reconcileScheduleRequestSchema = z
  .object({
    interval: intervalSchema.refine(
      v => intervalToSeconds(v) >= 60,
      'must be at least one minute',
    ),
    auto_heal: z.boolean().default(false),
    enabled: z.boolean().default(true),
  })
  .strict();
/** @public */
export type ReconcileScheduleRequest = z.input<
  typeof reconcileScheduleRequestSchema
>;

/** @public */
export const resolveConflictRequestSchema = z
  .object({ resolution: z.enum(CONFLICT_RESOLUTIONS) })
  .strict();
/** @public */
export type ResolveConflictRequest = z.input<
  typeof resolveConflictRequestSchema
>;

/** Body of `POST /v1/integrations/{id}/callback-tokens` (docs/connectors/webhook.md#callback-tokens). @public */
export const createCallbackTokenRequestSchema = z
  .object({
    app_name: z.string().trim().min(1, 'is required').max(200),
    description: z.string().trim().max(1000).default(''),
  })
  .strict();
/** @public */
export type CreateCallbackTokenRequest = z.input<
  typeof createCallbackTokenRequestSchema
>;

/** @public */
export const listConflictsQuerySchema = z
  .object({
    status: z.enum(CONFLICT_STATUSES).optional(),
    integration: z.string().optional(),
    incident: z.string().optional(),
  })
  .strict();

/** @public */
export const listIncidentsQuerySchema = z
  .object({
    entity_ref: z.string().optional(),
    status: z.enum(INCIDENT_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

/**
 * Body of `POST /v1/integrations/{id}/preview`: a draft (ownership rules replacing the
 * stored rule of each field they name, a direction) and the linked incidents or tickets
 * to try it on.
 * @public
 */
export const integrationPreviewRequestSchema = z
  .object({
    field_ownership: z
      .array(
        z
          .object({
            field: fieldNameSchema,
            owner: z.enum(FIELD_OWNERS),
            priority: z.number().int().min(0).max(1000).default(0),
          })
          .strict(),
      )
      .max(50)
      .default([]),
    sync_direction: z.enum(SYNC_DIRECTIONS).optional(),
    incidents: z.array(z.string().min(1).max(100)).max(50).default([]),
    tickets: z.array(z.string().min(1).max(200)).max(50).default([]),
  })
  .strict()
  .refine(b => b.incidents.length + b.tickets.length > 0, {
    message: 'name at least one incident or ticket',
    path: ['incidents'],
  })
  .refine(b => b.incidents.length + b.tickets.length <= 50, {
    message: 'at most 50 incidents and tickets together',
    path: ['incidents'],
  });
/** @public */
export type IntegrationPreviewRequest = z.input<
  typeof integrationPreviewRequestSchema
>;

/** Query of `GET /v1/incidents/{id}/trace`: `link` names the integration (id or name) of one link. @public */
export const incidentTraceQuerySchema = z
  .object({ link: z.string().min(1).max(200).optional() })
  .strict();

/** Query of `GET /v1/integrations/{id}/metrics/series`. @public */
export const metricSeriesQuerySchema = z
  .object({ window: z.enum(METRIC_SERIES_WINDOWS).default('1h') })
  .strict();

/** @public */
export const serviceMappingRequestSchema = z
  .object({
    pd_service: nonEmpty(100),
    incident_type: nonEmpty(100),
  })
  .strict();
/** @public */
export type ServiceMappingRequest = z.input<typeof serviceMappingRequestSchema>;

/**
 * `PUT /v1/user-mappings`: who a platform person (their email) is at one integration's vendor,
 * when it is not that same email (docs/sync-semantics.md#people). @public
 */
export const putUserMappingRequestSchema = z
  .object({
    integration: nonEmpty(200),
    platform_user: z.string().trim().toLowerCase().email().max(320),
    external_user: nonEmpty(320),
  })
  .strict();
/** @public */
export type PutUserMappingRequest = z.input<typeof putUserMappingRequestSchema>;
