import { z } from 'zod';
import { INCIDENT_STATUSES, SEVERITIES } from './vocabulary';

/*
 * Routing rules per integration and the routing preview (docs/DESIGN.md, "Routing").
 */

/** What a matching rule, or the default, does with the incident for its integration. @public */
export const ROUTING_ACTIONS = ['route', 'skip'] as const;
/** @public */
export type RoutingAction = (typeof ROUTING_ACTIONS)[number];

const values = <T extends z.ZodType<string>>(item: T) =>
  z.array(item).min(1).max(50);
const text = z.string().trim().min(1).max(500);

/**
 * The conditions of one rule: every condition given must hold, and a condition holds when
 * the incident's value is one of those listed. Catalog values (kind, type, owner, system)
 * come from the incident's entity; entity refs, kinds and types compare case-insensitively.
 * @public
 */
export const routingConditionsSchema = z
  .object({
    entity_ref: values(text),
    entity_kind: values(text),
    entity_type: values(text),
    owner: values(text),
    system: values(text),
    severity: values(z.enum(SEVERITIES)),
    status: values(z.enum(INCIDENT_STATUSES)),
    incident_type: values(text),
  })
  .partial()
  .strict();
/** @public */
export type RoutingConditions = z.infer<typeof routingConditionsSchema>;

/** @public */
export const routingRuleSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    when: routingConditionsSchema.default({}),
    action: z.enum(ROUTING_ACTIONS).default('route'),
  })
  .strict();
/** @public */
export type RoutingRule = z.infer<typeof routingRuleSchema>;

/** Body of `PUT /v1/integrations/{id}/routing`: the rules in order, first match decides. @public */
export const integrationRoutingRequestSchema = z
  .object({
    rules: z.array(routingRuleSchema).max(100),
    default: z.enum(ROUTING_ACTIONS).default('skip'),
  })
  .strict()
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.rules.forEach((rule, i) => {
      if (seen.has(rule.name))
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'name'],
          message: `rule name '${rule.name}' is used twice`,
        });
      seen.add(rule.name);
    });
  });
/** @public */
export type IntegrationRoutingRequest = z.input<
  typeof integrationRoutingRequestSchema
>;

/** @public */
export interface IntegrationRoutingResponse {
  integration_id: string;
  rules: RoutingRule[];
  default: RoutingAction;
  updated_at: string | null;
}

const entityRefText = z
  .string()
  .trim()
  .regex(
    /^([a-z0-9-_.]+:)?([a-z0-9-_.]+\/)?[A-Za-z0-9-_.]+$/i,
    'must be an entity ref such as component:default/payments',
  );

/** Body of POST /v1/routing/preview: a stored incident, or the fields of one. @public */
export const routingPreviewRequestSchema = z.union(
  [
    z.object({ incident_id: z.string().trim().min(1).max(100) }).strict(),
    z
      .object({
        incident: z
          .object({
            severity: z.enum(SEVERITIES),
            status: z.enum(INCIDENT_STATUSES).default('open'),
            entity_ref: entityRefText.nullable().default(null),
            incident_type: z
              .string()
              .trim()
              .min(1)
              .max(100)
              .nullable()
              .default(null),
          })
          .strict(),
      })
      .strict(),
  ],
  { error: 'give either incident_id, or incident with at least severity' },
);
/** @public */
export type RoutingPreviewRequest = z.input<typeof routingPreviewRequestSchema>;

/** Why an integration was chosen. @public */
export type RoutingReason =
  | { kind: 'explicit' }
  | { kind: 'rule'; rule: string; position: number }
  | {
      kind: 'annotation';
      annotation: string;
      value: string;
      entity_ref: string;
    }
  | { kind: 'default' };

/**
 * Where at the vendor a routed ticket opens, read from the incident's catalog entity (or
 * its system, or owner): each connector uses the values of its type over its
 * integration's defaults when it creates the ticket (docs/sync-semantics.md#routing).
 * @public
 */
export interface RoutingTarget {
  /** PagerDuty: the service the incident opens on (`pagerduty.com/service-id`). */
  service_id?: string;
  /** ServiceNow: the assignment group, a name or sys_id (`itsm-sync.io/servicenow-assignment-group`). */
  assignment_group?: string;
  /** ServiceNow: the configuration item, `cmdb_ci`, a name or sys_id (`itsm-sync.io/servicenow-ci`). */
  configuration_item?: string;
  /** Jira: the project the issue is created in (`jira/project-key`). */
  project_key?: string;
}

/** One value of a routing target and the annotation it was read from. @public */
export interface RoutingTargetSource {
  field: keyof RoutingTarget;
  value: string;
  annotation: string;
  /** The entity the annotation was read from: the incident's, its system or its owner. */
  entity_ref: string;
}

/** The values routing rules match on: the incident's own and its entity's from the catalog. @public */
export interface RoutingFacts {
  entity_ref: string | null;
  entity_kind: string | null;
  entity_type: string | null;
  owner: string | null;
  system: string | null;
  severity: string;
  status: string;
  incident_type: string | null;
}

/** @public */
export interface RoutingPreviewResponse {
  /** The values the rules were evaluated on, catalog facts included. */
  facts: RoutingFacts;
  /** `ok`, `not-found` (no such entity), `unavailable` (the catalog could not be read), `none` (no entity). */
  catalog: 'ok' | 'not-found' | 'unavailable' | 'none';
  matches: Array<{
    integration_id: string;
    integration_name: string;
    integration_type: string;
    reason: RoutingReason;
    explanation: string;
    /** Where the ticket would open at the vendor; empty when the integration's defaults apply. */
    target: RoutingTarget;
    /** The annotation behind each value of `target`. */
    target_sources: RoutingTargetSource[];
  }>;
  /** Integrations a rule excluded, so a preview shows why an expected one is missing. */
  skipped: Array<{
    integration_id: string;
    integration_name: string;
    rule: string;
    position: number;
  }>;
}
