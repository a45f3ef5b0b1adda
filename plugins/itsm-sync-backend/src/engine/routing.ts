import type {
  RoutingAction,
  RoutingConditions,
  RoutingFacts,
  RoutingReason,
  RoutingRule,
  RoutingTarget,
  RoutingTargetSource,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  VENDOR_ROUTING_ANNOTATIONS,
  ROUTING_ANNOTATIONS,
  TARGET_ANNOTATIONS,
} from '@itsm-sync-hub/plugin-itsm-sync-common';

/*
 * Which integrations an incident goes to (docs/DESIGN.md, "Routing"). Pure: the caller
 * supplies the incident's facts, the catalog's annotations and each integration's rules.
 */

export type { RoutingFacts };

/** An annotation found for the incident's entity, and the entity it was read from (itself, its system or owner). */
export interface FoundAnnotation {
  annotation: string;
  value: string;
  entity_ref: string;
}

/** An integration's routing rules in order and what happens when none matches. */
export interface IntegrationRouting {
  rules: RoutingRule[];
  default: RoutingAction;
}

/** What routing needs of an integration. */
export interface RoutableIntegration {
  id: string;
  name: string;
  integration_type: string;
}

export interface RoutingMatch {
  integration: RoutableIntegration;
  reason: RoutingReason;
}

export interface RoutingSkip {
  integration: RoutableIntegration;
  rule: string;
  position: number;
}

/** Fields compared without regard to case: catalog names are case-insensitive. */
const CASE_INSENSITIVE = new Set<keyof RoutingConditions>([
  'entity_ref',
  'entity_kind',
  'entity_type',
  'owner',
  'system',
  'incident_type',
]);

/** True when every condition of `when` holds for `facts`; an empty `when` always holds. */
export function conditionsHold(
  when: RoutingConditions,
  facts: RoutingFacts,
): boolean {
  return (Object.keys(when) as Array<keyof RoutingConditions>).every(field => {
    const accepted = when[field];
    if (!accepted) return true;
    const actual = facts[field];
    if (actual === null || actual === undefined) return false;
    if (!CASE_INSENSITIVE.has(field))
      return (accepted as readonly string[]).includes(actual);
    const lower = actual.toLowerCase();
    return (accepted as readonly string[]).some(v => v.toLowerCase() === lower);
  });
}

/** The first rule whose conditions hold, with its position (1-based). */
function firstMatchingRule(
  routing: IntegrationRouting,
  facts: RoutingFacts,
): { rule: RoutingRule; position: number } | undefined {
  const index = routing.rules.findIndex(rule =>
    conditionsHold(rule.when, facts),
  );
  return index < 0
    ? undefined
    : { rule: routing.rules[index], position: index + 1 };
}

/**
 * Decides every integration: listed explicitly, else the first matching rule (a `skip`
 * rule excludes the integration even when an annotation names it), else an annotation
 * of the entity, else the integration's default. Integrations come in the order given.
 */
export function routeIncident(input: {
  facts: RoutingFacts;
  integrations: RoutableIntegration[];
  routing: Map<string, IntegrationRouting>;
  annotations: FoundAnnotation[];
  explicit?: ReadonlySet<string>;
}): { matches: RoutingMatch[]; skipped: RoutingSkip[] } {
  const matches: RoutingMatch[] = [];
  const skipped: RoutingSkip[] = [];
  const named = namedByAnnotation(input.annotations);
  for (const integration of input.integrations) {
    if (input.explicit?.has(integration.id)) {
      matches.push({ integration, reason: { kind: 'explicit' } });
      continue;
    }
    const routing = input.routing.get(integration.id);
    const matched = routing && firstMatchingRule(routing, input.facts);
    if (matched) {
      if (matched.rule.action === 'route') {
        matches.push({
          integration,
          reason: {
            kind: 'rule',
            rule: matched.rule.name,
            position: matched.position,
          },
        });
      } else {
        skipped.push({
          integration,
          rule: matched.rule.name,
          position: matched.position,
        });
      }
      continue;
    }
    const annotation =
      named.get(integration.name.toLowerCase()) ??
      vendorAnnotationFor(integration, input.annotations);
    if (annotation) {
      matches.push({
        integration,
        reason: { kind: 'annotation', ...annotation },
      });
      continue;
    }
    if (routing?.default === 'route')
      matches.push({ integration, reason: { kind: 'default' } });
  }
  return { matches, skipped };
}

/** Integrations named by `itsm-sync.io/integrations` (comma-separated), by lower-cased name. */
function namedByAnnotation(
  annotations: FoundAnnotation[],
): Map<string, FoundAnnotation> {
  const out = new Map<string, FoundAnnotation>();
  for (const found of annotations) {
    if (found.annotation !== ROUTING_ANNOTATIONS.integrations) continue;
    for (const name of found.value
      .split(',')
      .map(n => n.trim().toLowerCase())
      .filter(Boolean)) {
      if (!out.has(name)) out.set(name, found);
    }
  }
  return out;
}

/** The first vendor annotation that routes to the integration's type. */
function vendorAnnotationFor(
  integration: RoutableIntegration,
  annotations: FoundAnnotation[],
): FoundAnnotation | undefined {
  const wanted = new Set(
    VENDOR_ROUTING_ANNOTATIONS.filter(
      v => v.integrationType === integration.integration_type,
    ).map(v => v.annotation),
  );
  return annotations.find(a => wanted.has(a.annotation));
}

/**
 * Where at the vendor a ticket of an integration of `integrationType` opens: for each
 * target field, the first target annotation found whose value has the field's shape.
 * Empty when the entity names none, so the integration's defaults apply.
 */
export function routedTarget(
  integrationType: string,
  annotations: FoundAnnotation[],
): { target: RoutingTarget; sources: RoutingTargetSource[] } {
  const target: RoutingTarget = {};
  const sources: RoutingTargetSource[] = [];
  for (const rule of TARGET_ANNOTATIONS) {
    if (rule.integrationType !== integrationType || target[rule.field])
      continue;
    const found = annotations.find(a => a.annotation === rule.annotation);
    if (!found || !rule.pattern.test(found.value)) continue;
    target[rule.field] = found.value;
    sources.push({
      field: rule.field,
      value: found.value,
      annotation: found.annotation,
      entity_ref: found.entity_ref,
    });
  }
  return { target, sources };
}

/** A sentence saying where a ticket opens, for the preview and the CLI; empty without a target. */
export function explainTarget(sources: RoutingTargetSource[]): string {
  return sources
    .map(s => `${s.field} ${s.value} (${s.annotation} on ${s.entity_ref})`)
    .join(', ');
}

/** A sentence saying why an integration was chosen, for the preview and the CLI. */
export function explainReason(reason: RoutingReason): string {
  switch (reason.kind) {
    case 'explicit':
      return "listed in the incident's integrations";
    case 'rule':
      return `rule ${reason.position} '${reason.rule}' matched`;
    case 'annotation':
      return `annotation ${reason.annotation}=${reason.value} on ${reason.entity_ref}`;
    case 'default':
      return 'no rule matched; the integration routes by default';
    default:
      return 'unknown';
  }
}

/** The incident fields a change of which makes routing look again. */
export const ROUTED_FIELDS = [
  'severity',
  'status',
  'entity_ref',
  'incident_type',
] as const;
