import { platformChangeConflicts } from '../engine/conflicts';
import { pickPlatformFields } from '../engine/fields';
import { InputError, NotFoundError } from '@backstage/errors';
import type {
  CreateIncidentRequest,
  IncidentResponse,
  RoutingTarget,
  NoteVisibility,
  UpdateIncidentRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { randomUUID } from 'node:crypto';
import { planNote, planOutbound } from '../engine/outboundPlan';
import { incidentResponse } from '../service/responses';
import type {
  IncidentUpdateRequest,
  OutboxPlanner,
} from '../store/IncidentRepository';
import type { SyncStore } from '../store/SyncStore';
import type { IncidentRecord, IntegrationRecord } from '../store/types';
import { captureTraceContext } from '../telemetry/traceContext';
import type { Clock } from './Clock';
import type { ConnectorRegistry } from './ConnectorRegistry';
import type { IntegrationService } from './IntegrationService';
import { WriteBatcher, type BatchOutcome } from './WriteBatcher';
import { ROUTED_FIELDS } from '../engine/routing';
import type { RoutableIncident, RoutingService } from './RoutingService';
import type { CreatedFromVendor, RoutedFieldChange } from './InboundApplier';
import type { LoggerService } from '@backstage/backend-plugin-api';

export interface IncidentServiceOptions {
  store: SyncStore;
  connectors: ConnectorRegistry;
  integrations: IntegrationService;
  clock: Clock;
  /** Wakes the dispatcher after a commit, so delivery does not wait for a poll. */
  onEnqueued?: () => void;
  /** Chooses integrations by rules and the catalog; without it only listed integrations get tickets. */
  routing?: RoutingService;
  logger?: LoggerService;
}

/** Platform incidents: create, change, annotate and link, each with its outbox rows. */
export class IncidentService {
  private readonly store: SyncStore;
  private readonly connectors: ConnectorRegistry;
  private readonly integrations: IntegrationService;
  private readonly clock: Clock;
  private readonly onEnqueued: () => void;
  private readonly routing?: RoutingService;
  private readonly logger?: LoggerService;

  constructor(options: IncidentServiceOptions) {
    this.store = options.store;
    this.connectors = options.connectors;
    this.integrations = options.integrations;
    this.clock = options.clock;
    this.onEnqueued = options.onEnqueued ?? (() => {});
    this.routing = options.routing;
    this.logger = options.logger;
  }

  private readonly updates = new WriteBatcher<
    IncidentUpdateRequest,
    IncidentResponse
  >(requests => this.updateBatch(requests), {
    maxBatch: 128,
    maxConcurrentFlushes: 2,
  });

  /** The planner for a change from `source` (`platform` or `integration:<id>`). */
  planner(): OutboxPlanner {
    const traceContext = captureTraceContext();
    return ({ incident, changes, source, links }) =>
      planOutbound({
        incidentId: incident.id,
        changes,
        source,
        links,
        connectors: this.connectors,
        traceContext,
      });
  }

  async create(
    body: Required<CreateIncidentRequest>,
  ): Promise<IncidentResponse> {
    const linkTo: IntegrationRecord[] = [];
    for (const ref of body.integrations) {
      const integration = await this.store.integrations.getByIdOrName(ref);
      if (!integration)
        throw new InputError(
          `integrations: no integration with id or name '${ref}'`,
        );
      if (!linkTo.some(i => i.id === integration.id)) linkTo.push(integration);
    }
    const targets = new Map<string, RoutingTarget>();
    if (this.routing) {
      // Listed integrations stay; routing adds those its rules and the catalog choose.
      const explicit = new Set(linkTo.map(i => i.id));
      const decision = await this.routing.decide(body, explicit);
      linkTo.push(
        ...decision.matches
          .filter(m => !explicit.has(m.integration.id))
          .map(m => m.record),
      );
      // Every ticket, listed or routed, opens where the entity's annotations say.
      for (const m of decision.matches) targets.set(m.integration.id, m.target);
    }
    const incident = await this.store.incidents.create(
      {
        title: body.title,
        description: body.description,
        severity: body.severity,
        status: body.status,
        assigned_to: body.assigned_to,
        escalation_policy: body.escalation_policy,
        entity_ref: body.entity_ref,
        incident_type: body.incident_type,
      },
      {
        now: this.clock.now(),
        source: 'platform',
        linkTo,
        targets,
        plan: this.planner(),
      },
    );
    this.onEnqueued();
    return this.view(incident);
  }

  /** The incident's notes and events, oldest first (the incident is not looked up). */
  timeline(id: string) {
    return this.store.incidents.timeline(id);
  }

  /**
   * The incident's sync trace, oldest first: of one link when `link` names its
   * integration (id or name). Throws NotFoundError for an unknown incident or integration.
   */
  async trace(id: string, link?: string) {
    await this.get(id);
    const integrationId = link
      ? (await this.integrations.resolve(link)).id
      : undefined;
    return this.store.trace.list(id, { integrationId });
  }

  async get(id: string): Promise<IncidentRecord> {
    const incident = await this.store.incidents.get(id);
    if (!incident) throw new NotFoundError(`No incident with id '${id}'`);
    return incident;
  }

  /**
   * Changes an incident. Concurrent changes are group-committed: they share one
   * transaction and set-based statements, so a burst of API calls costs the database
   * a few statements per batch rather than a transaction each.
   */
  async update(
    id: string,
    body: UpdateIncidentRequest,
  ): Promise<IncidentResponse> {
    const updated = await this.updates.submit({
      id,
      changes: body,
      source: 'platform',
      plan: this.planner(),
      detectConflicts: (incident, changes, links) =>
        platformChangeConflicts({
          incident,
          changes: pickPlatformFields(changes as Record<string, unknown>),
          now: this.clock.now(),
          links: links.map(({ integration, rules }) => ({
            integrationId: integration.id,
            strategy: integration.conflict_strategy,
            windowSeconds: integration.conflict_window_seconds,
            rules,
            mapField: this.connectors.mapperFor(integration.integration_type),
          })),
        }),
    });
    // Only a change of a field rules look at routes again, so other changes cost nothing more.
    if (!this.routing || !ROUTED_FIELDS.some(field => field in body))
      return updated;
    return this.routeAgain(updated);
  }

  /**
   * Gives incidents created from vendor webhooks the catalog entity their ticket's catalog
   * keys name (PagerDuty's service), then routes them like any incident, so they show on
   * that entity's card and fan out by the same rules. Runs after the inbound commit: a
   * failure is logged and leaves the incident as the vendor created it.
   */
  async adoptFromVendor(created: CreatedFromVendor[]): Promise<void> {
    if (!this.routing) return;
    for (const { incident, change } of created) {
      try {
        const entityRef = incident.entity_ref
          ? undefined
          : await this.routing.entityForVendorTicket(
              change.ticket?.catalogKeys,
            );
        if (entityRef)
          await this.update(incident.id, { entity_ref: entityRef });
        else
          await this.routeAgain(await this.view(await this.get(incident.id)));
      } catch (error) {
        this.logger?.warn('Routing an incident created from a vendor failed', {
          incident: incident.id,
          error: String(error),
        });
      }
    }
  }

  /**
   * Opens tickets in the integrations an incident has started to match. A ticket is never
   * closed because the incident stops matching: routing only adds.
   */
  private async routeAgain(
    incident: IncidentResponse,
  ): Promise<IncidentResponse> {
    const opened = await this.openNewlyRouted(
      incident,
      incident.links.map(l => l.integration_id),
    );
    return opened ? this.view(await this.get(incident.id)) : incident;
  }

  /**
   * Routes incidents again after vendor changes of routed fields, exactly as after a
   * platform change: a ticket opens in each integration an incident has started to match.
   * Runs after the inbound commit; `linked` (the incident's integrations, the source of
   * the change among them) come from the batch, so nothing is read unless a ticket opens.
   */
  async rerouteAfterVendorChange(changed: RoutedFieldChange[]): Promise<void> {
    if (!this.routing) return;
    for (const { incident, linked } of changed) {
      try {
        await this.openNewlyRouted(incident, linked);
      } catch (error) {
        this.logger?.warn('Routing after a vendor change failed', {
          incident: incident.id,
          error: String(error),
        });
      }
    }
  }

  /** Links the integrations routing now chooses that `linked` does not hold; whether any was. */
  private async openNewlyRouted(
    incident: RoutableIncident & { id: string },
    linked: readonly string[],
  ): Promise<boolean> {
    const have = new Set(linked);
    const decision = await this.routing!.decide(incident);
    const fresh = decision.matches.filter(m => !have.has(m.integration.id));
    if (!fresh.length) return false;
    for (const match of fresh)
      await this.linkTo(incident.id, match.record, match.target);
    this.onEnqueued();
    return true;
  }

  private async updateBatch(
    requests: IncidentUpdateRequest[],
  ): Promise<BatchOutcome<IncidentResponse>[]> {
    const results = await this.store.incidents.updateMany(requests, {
      now: this.clock.now(),
    });
    if (results.some(r => r && Object.keys(r.changed).length))
      this.onEnqueued();
    return results.map((result, i) => {
      if (!result)
        return {
          ok: false,
          error: new NotFoundError(`No incident with id '${requests[i].id}'`),
        };
      const integrations = new Map(
        result.links.map(l => [l.integration.id, l.integration]),
      );
      return {
        ok: true,
        value: incidentResponse(
          result.incident,
          result.links.map(l => l.link),
          integrations,
        ),
      };
    });
  }

  async addNote(
    id: string,
    note: { text: string; author?: string; visibility?: NoteVisibility },
  ): Promise<void> {
    await this.get(id);
    const traceContext = captureTraceContext();
    const visibility = note.visibility ?? 'internal';
    await this.store.incidents.addTimelineEntry(
      id,
      {
        kind: 'note',
        text: note.text,
        author: note.author ?? null,
        source: 'platform',
        visibility,
      },
      {
        now: this.clock.now(),
        plan: links =>
          planNote({
            incidentId: id,
            // The key makes each vendor post of this note happen once, retries included.
            note: { ...note, visibility, key: `platform:${randomUUID()}` },
            source: 'platform',
            links,
            connectors: this.connectors,
            traceContext,
          }),
      },
    );
    this.onEnqueued();
  }

  /** Links an existing incident to an integration; the ticket is created by the dispatcher. */
  async link(id: string, integrationRef: string): Promise<IncidentResponse> {
    const integration = await this.integrations.resolve(integrationRef);
    // A ticket linked by hand opens where the entity's annotations say, as a routed one does.
    const target = this.routing
      ? await this.routing.targetFor(await this.get(id), integration)
      : undefined;
    await this.linkTo(id, integration, target);
    this.onEnqueued();
    return this.view(await this.get(id));
  }

  /** Links an incident to one integration and queues its ticket's creation, in one transaction. */
  private async linkTo(
    id: string,
    integration: IntegrationRecord,
    target?: RoutingTarget,
  ): Promise<void> {
    const plan = this.planner();
    await this.store.transaction(async store => {
      const incident = await store.incidents.get(id);
      if (!incident) throw new NotFoundError(`No incident with id '${id}'`);
      const existing = await store.links.get(id, integration.id);
      if (existing) return;
      const link = await store.links.ensure(
        id,
        integration.id,
        this.clock.now(),
        target,
      );
      const rows = plan({
        incident,
        changes: {},
        source: 'platform',
        links: [
          {
            link,
            integration,
            rules: await store.integrations.rules(integration.id),
          },
        ],
      });
      await store.outbox.enqueue(rows, this.clock.now());
    });
  }

  async list(filter: {
    entity_ref?: string;
    status?: string;
    limit: number;
  }): Promise<IncidentResponse[]> {
    const incidents = await this.store.incidents.list(filter);
    const links = await this.store.links.forIncidents(incidents.map(i => i.id));
    const integrations = new Map(
      (
        await this.store.integrations.getMany(links.map(l => l.integration_id))
      ).map(i => [i.id, i]),
    );
    return incidents.map(i =>
      incidentResponse(
        i,
        links.filter(l => l.incident_id === i.id),
        integrations,
      ),
    );
  }

  async view(incident: IncidentRecord): Promise<IncidentResponse> {
    const links = await this.store.links.forIncident(incident.id);
    const integrations = new Map(
      (
        await this.store.integrations.getMany(links.map(l => l.integration_id))
      ).map(i => [i.id, i]),
    );
    return incidentResponse(incident, links, integrations);
  }
}
