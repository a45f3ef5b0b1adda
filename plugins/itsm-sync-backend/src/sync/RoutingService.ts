import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  IntegrationRoutingRequest,
  RoutingPreviewResponse,
  RoutingTarget,
  RoutingTargetSource,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { integrationRoutingRequestSchema } from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  explainReason,
  explainTarget,
  routedTarget,
  routeIncident,
  type IntegrationRouting,
  type RoutingFacts,
  type RoutingMatch,
  type RoutingSkip,
} from '../engine/routing';
import { sendsOutbound } from '../engine/ownership';
import type { IntegrationRoutingRecord } from '../store/RoutingRepository';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord } from '../store/types';
import type { Clock } from './Clock';
import type { ConnectorRegistry } from './ConnectorRegistry';
import type { EntityFacts, EntityFactsSource } from './CatalogEntityFacts';

/** The fields of an incident routing looks at. */
export interface RoutableIncident {
  severity: string;
  status: string;
  entity_ref: string | null;
  incident_type: string | null;
}

/** Where an incident goes, why, and what it was decided on. */
export interface RoutingDecision {
  facts: RoutingFacts;
  catalog: EntityFacts['catalog'];
  matches: Array<
    RoutingMatch & {
      record: IntegrationRecord;
      /** Where at the vendor the ticket opens (from annotations); empty for the integration's defaults. */
      target: RoutingTarget;
      targetSources: RoutingTargetSource[];
    }
  >;
  skipped: RoutingSkip[];
}

/** How long the integrations and their rules are used without reading them again. */
const ROUTING_SNAPSHOT_TTL_MS = 1000;

/**
 * Routes incidents to integrations by their rules and the catalog (docs/DESIGN.md,
 * "Routing"). The integrations and rules are kept in memory for a second, so routing a
 * routed-field change costs no database round trip; a write here forgets them at once.
 */
export class RoutingService {
  private snapshot?: {
    at: number;
    integrations: IntegrationRecord[];
    routing: Map<string, IntegrationRouting>;
  };

  private constructor(
    private readonly store: SyncStore,
    private readonly connectors: ConnectorRegistry,
    private readonly entities: EntityFactsSource,
    private readonly clock: Clock,
    private readonly logger: LoggerService,
  ) {}

  static create(options: {
    store: SyncStore;
    connectors: ConnectorRegistry;
    entities: EntityFactsSource;
    clock: Clock;
    logger: LoggerService;
  }): RoutingService {
    return new RoutingService(
      options.store,
      options.connectors,
      options.entities,
      options.clock,
      options.logger,
    );
  }

  /** Every integration routing may choose, with explicit ones matched first. */
  async decide(
    incident: RoutableIncident,
    explicit: ReadonlySet<string> = new Set(),
  ): Promise<RoutingDecision> {
    const [snapshot, entity] = await Promise.all([
      this.load(),
      this.entities.lookup(incident.entity_ref),
    ]);
    const facts: RoutingFacts = {
      entity_ref: entity.entity_ref ?? incident.entity_ref,
      entity_kind: entity.kind,
      entity_type: entity.type,
      owner: entity.owner,
      system: entity.system,
      severity: incident.severity,
      status: incident.status,
      incident_type: incident.incident_type,
    };
    const routable = snapshot.integrations.filter(
      i => explicit.has(i.id) || this.isRoutable(i),
    );
    const { matches, skipped } = routeIncident({
      facts,
      integrations: routable,
      routing: snapshot.routing,
      annotations: entity.annotations,
      explicit,
    });
    const byId = new Map(routable.map(i => [i.id, i]));
    return {
      facts,
      catalog: entity.catalog,
      matches: matches.map(m => {
        const { target, sources } = routedTarget(
          m.integration.integration_type,
          entity.annotations,
        );
        return {
          ...m,
          record: byId.get(m.integration.id)!,
          target,
          targetSources: sources,
        };
      }),
      skipped,
    };
  }

  /** The decision as the preview answers it. */
  async preview(incident: RoutableIncident): Promise<RoutingPreviewResponse> {
    const decision = await this.decide(incident);
    return {
      facts: decision.facts,
      catalog: decision.catalog,
      matches: decision.matches.map(m => ({
        integration_id: m.integration.id,
        integration_name: m.integration.name,
        integration_type: m.integration.integration_type,
        reason: m.reason,
        explanation: [explainReason(m.reason), explainTarget(m.targetSources)]
          .filter(Boolean)
          .join('; ticket to '),
        target: m.target,
        target_sources: m.targetSources,
      })),
      skipped: decision.skipped.map(s => ({
        integration_id: s.integration.id,
        integration_name: s.integration.name,
        rule: s.rule,
        position: s.position,
      })),
    };
  }

  /**
   * Where a ticket of `integration` for `incident` opens at the vendor, from the entity's
   * annotations, whatever linked it (an explicit link or a manual sync): empty for none.
   */
  async targetFor(
    incident: Pick<RoutableIncident, 'entity_ref'>,
    integration: Pick<IntegrationRecord, 'integration_type'>,
  ): Promise<RoutingTarget> {
    if (!incident.entity_ref) return {};
    const entity = await this.entities.lookup(incident.entity_ref);
    return routedTarget(integration.integration_type, entity.annotations)
      .target;
  }

  /** The catalog entity of an incident created from a vendor, by the ticket's catalog keys. */
  entityForVendorTicket(
    keys: ReadonlyArray<{ annotation: string; value: string }> | undefined,
  ): Promise<string | undefined> {
    return keys?.length
      ? this.entities.entityFor(keys)
      : Promise.resolve(undefined);
  }

  async get(
    integrationId: string,
  ): Promise<IntegrationRoutingRecord | undefined> {
    return this.store.routing.get(integrationId);
  }

  /** Replaces an integration's rules; `body` is already validated by the route. */
  async put(
    integrationId: string,
    body: IntegrationRoutingRequest,
  ): Promise<IntegrationRoutingRecord> {
    const routing = integrationRoutingRequestSchema.parse(body);
    const saved = await this.store.routing.put(
      integrationId,
      routing,
      this.clock.now(),
    );
    this.snapshot = undefined;
    this.logger.info('Routing rules replaced', {
      integration: integrationId,
      rules: routing.rules.length,
      default: routing.default,
    });
    return saved;
  }

  /** Enabled, sending, with an installed connector that can send. */
  private isRoutable(integration: IntegrationRecord): boolean {
    return (
      integration.enabled &&
      sendsOutbound(integration.sync_direction) &&
      this.connectors.canSend(integration.integration_type)
    );
  }

  private async load() {
    const now = this.clock.now();
    if (this.snapshot && now - this.snapshot.at < ROUTING_SNAPSHOT_TTL_MS)
      return this.snapshot;
    const [integrations, routing] = await Promise.all([
      this.store.integrations.list(),
      this.store.routing.list(),
    ]);
    this.snapshot = {
      at: now,
      integrations,
      routing: new Map(
        routing.map(r => [
          r.integration_id,
          { rules: r.rules, default: r.default },
        ]),
      ),
    };
    return this.snapshot;
  }
}
