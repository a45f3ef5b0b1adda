import type { Entity } from '@backstage/catalog-model';
import type { RoutingTarget } from './routing';

/**
 * Entity annotation that turns the ITSM sync card on for a catalog entity. Its value is
 * `enabled`, or the entity ref incidents are filed against when it differs from the
 * entity's own (for example a component whose incidents are filed on its system).
 * @public
 */
export const ITSM_SYNC_ANNOTATION = 'itsm-sync.io/incidents';

/** @public */
export function isItsmSyncAvailable(entity: Entity): boolean {
  return Boolean(entity.metadata.annotations?.[ITSM_SYNC_ANNOTATION]);
}

/** The entity ref whose incidents the card shows. @public */
export function incidentEntityRefOf(entity: Entity, ownRef: string): string {
  const value = entity.metadata.annotations?.[ITSM_SYNC_ANNOTATION];
  return !value || value === 'enabled' ? ownRef : value;
}

/**
 * Annotations routing reads (docs/DESIGN.md, "Routing"). The first three are the ones the
 * Backstage ecosystem's PagerDuty, ServiceNow and Jira plugins already use, so an entity
 * annotated for those plugins routes without more work; the `itsm-sync.io/` ones are ours.
 * Each is read from the entity, else from its system, else from its owner.
 * @public
 */
export const ROUTING_ANNOTATIONS = {
  /** The PagerDuty service of the entity (PagerDuty plugin). */
  pagerdutyServiceId: 'pagerduty.com/service-id',
  /** The PagerDuty Events API integration key of the entity (PagerDuty plugin). */
  pagerdutyIntegrationKey: 'pagerduty.com/integration-key',
  /** The value ServiceNow tickets carry in `u_backstage_entity_id` (ServiceNow plugin). */
  servicenowEntityId: 'servicenow.com/entity-id',
  /** The ServiceNow assignment group the entity's tickets go to. */
  servicenowAssignmentGroup: 'itsm-sync.io/servicenow-assignment-group',
  /** The ServiceNow configuration item (CI) of the entity. */
  servicenowConfigurationItem: 'itsm-sync.io/servicenow-ci',
  /** The Jira project key of the entity (Jira plugins). */
  jiraProjectKey: 'jira/project-key',
  /** Integrations (names, comma-separated) the entity's incidents always go to. */
  integrations: 'itsm-sync.io/integrations',
} as const;

/**
 * Which integration type each vendor annotation routes to: an entity with one of these
 * (own or inherited) sends its incidents to the enabled integrations of that type.
 * @public
 */
export const VENDOR_ROUTING_ANNOTATIONS: ReadonlyArray<{
  annotation: string;
  integrationType: string;
}> = [
  {
    annotation: ROUTING_ANNOTATIONS.pagerdutyServiceId,
    integrationType: 'pagerduty',
  },
  {
    annotation: ROUTING_ANNOTATIONS.pagerdutyIntegrationKey,
    integrationType: 'pagerduty',
  },
  {
    annotation: ROUTING_ANNOTATIONS.servicenowAssignmentGroup,
    integrationType: 'servicenow',
  },
  {
    annotation: ROUTING_ANNOTATIONS.servicenowConfigurationItem,
    integrationType: 'servicenow',
  },
  {
    annotation: ROUTING_ANNOTATIONS.servicenowEntityId,
    integrationType: 'servicenow',
  },
  { annotation: ROUTING_ANNOTATIONS.jiraProjectKey, integrationType: 'jira' },
];

/**
 * Which annotations give the target of a ticket (docs/sync-semantics.md#routing): the
 * value of the first of these found for a field, in this order, if it has the field's
 * shape. `servicenow.com/entity-id` is used as the CI only when it is a sys_id.
 * @public
 */
export const TARGET_ANNOTATIONS: ReadonlyArray<{
  annotation: string;
  integrationType: string;
  field: keyof RoutingTarget;
  /** The shape a value must have to be used; others only route. */
  pattern: RegExp;
}> = [
  {
    annotation: ROUTING_ANNOTATIONS.pagerdutyServiceId,
    integrationType: 'pagerduty',
    field: 'service_id',
    pattern: /^[A-Z0-9]{1,50}$/,
  },
  {
    annotation: ROUTING_ANNOTATIONS.servicenowAssignmentGroup,
    integrationType: 'servicenow',
    field: 'assignment_group',
    pattern: /^\S(.{0,253}\S)?$/,
  },
  {
    annotation: ROUTING_ANNOTATIONS.servicenowConfigurationItem,
    integrationType: 'servicenow',
    field: 'configuration_item',
    pattern: /^\S(.{0,253}\S)?$/,
  },
  {
    annotation: ROUTING_ANNOTATIONS.servicenowEntityId,
    integrationType: 'servicenow',
    field: 'configuration_item',
    pattern: /^[0-9a-f]{32}$/,
  },
  {
    annotation: ROUTING_ANNOTATIONS.jiraProjectKey,
    integrationType: 'jira',
    field: 'project_key',
    pattern: /^[A-Z][A-Z0-9_]{0,254}$/,
  },
];
