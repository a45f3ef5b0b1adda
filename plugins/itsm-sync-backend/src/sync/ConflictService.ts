import { ConflictError, NotFoundError } from '@backstage/errors';
import type { ConflictResolution } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { FieldChanges } from '../engine/fields';
import { planOutbound } from '../engine/outboundPlan';
import type { SyncStore } from '../store/SyncStore';
import type {
  ConflictRecord,
  IncidentRecord,
  IntegrationRecord,
} from '../store/types';
import { conflictResource } from '../permissions/loadResources';
import type { ConflictPermissionResource } from '../permissions/resources';
import { inSpan, SpanKind, syncAttributes } from '../telemetry/instruments';
import type { Clock } from './Clock';
import type { ConnectorRegistry } from './ConnectorRegistry';

/**
 * Settles conflicts queued for manual review. use-platform sends the platform value to
 * the ticket; use-external applies the vendor's value to the platform (and on to the
 * incident's other integrations); ignore keeps both as they are.
 */
export class ConflictService {
  private readonly store: SyncStore;
  private readonly connectors: ConnectorRegistry;
  private readonly clock: Clock;
  private readonly onEnqueued: () => void;

  constructor(options: {
    store: SyncStore;
    connectors: ConnectorRegistry;
    clock: Clock;
    /** Wakes the dispatcher after a resolution queued outbox rows. */
    onEnqueued: () => void;
  }) {
    this.store = options.store;
    this.connectors = options.connectors;
    this.clock = options.clock;
    this.onEnqueued = options.onEnqueued;
  }

  /** Conflicts by status, integration and incident, newest first. */
  list(filter: {
    status?: string;
    integrationId?: string;
    incidentId?: string;
  }): Promise<ConflictRecord[]> {
    return this.store.conflicts.list(filter);
  }

  /** The incident and the integration a conflict is between, if they still exist. */
  async parties(
    conflict: ConflictRecord,
  ): Promise<{ incident?: IncidentRecord; integration?: IntegrationRecord }> {
    const incident = await this.store.incidents.get(conflict.incident_id);
    const integration = await this.store.integrations.get(
      conflict.integration_id,
    );
    return { incident, integration };
  }

  /** The conflict as permission rules see it (its integration, its incident's assignee). */
  resource(conflict: ConflictRecord): Promise<ConflictPermissionResource> {
    return conflictResource(this.store, conflict);
  }

  async get(id: string): Promise<ConflictRecord> {
    const conflict = await this.store.conflicts.get(id);
    if (!conflict) throw new NotFoundError(`No conflict with id '${id}'`);
    return conflict;
  }

  async resolve(
    id: string,
    resolution: ConflictResolution,
    by: string,
  ): Promise<ConflictRecord> {
    const conflict = await this.get(id);
    const [integration] = await this.store.integrations.getMany([
      conflict.integration_id,
    ]);
    const link = (
      await this.store.links.forIncident(conflict.incident_id)
    ).find(l => l.integration_id === conflict.integration_id);
    return inSpan(
      'resolve conflict',
      {
        ...syncAttributes({
          integrationId: conflict.integration_id,
          integrationType: integration?.integration_type ?? 'unknown',
          // use-external brings the vendor's value in; the others settle or send out.
          direction: resolution === 'use-external' ? 'inbound' : 'outbound',
          incidentId: conflict.incident_id,
          externalId: link?.external_id,
          operation: 'settle',
        }),
        'sync.conflict.resolution': resolution,
      },
      SpanKind.INTERNAL,
      undefined,
      () => this.settle(conflict, resolution, by),
    );
  }

  private async settle(
    conflict: ConflictRecord,
    resolution: ConflictResolution,
    by: string,
  ): Promise<ConflictRecord> {
    const id = conflict.id;
    const now = this.clock.now();
    await this.store.transaction(async store => {
      if (!(await store.conflicts.resolve(id, resolution, by, now))) {
        throw new ConflictError(`Conflict '${id}' is already resolved`);
      }
      const changes = { [conflict.field]: undefined } as Record<
        string,
        unknown
      >;
      if (resolution === 'use-platform') {
        const incident = await store.incidents.get(conflict.incident_id);
        changes[conflict.field] = (incident as any)?.[conflict.field];
        await store.outbox.enqueue(
          [
            {
              integration_id: conflict.integration_id,
              incident_id: conflict.incident_id,
              operation: 'sync',
              payload: {
                changes: changes as FieldChanges,
                forced: [conflict.field],
              },
            },
          ],
          now,
        );
      } else if (resolution === 'use-external') {
        const source = `integration:${conflict.integration_id}`;
        await store.incidents.update(
          conflict.incident_id,
          { [conflict.field]: conflict.external_value } as FieldChanges,
          {
            now,
            source,
            plan: ({ incident, changes: changed, links }) =>
              planOutbound({
                incidentId: incident.id,
                changes: changed,
                source,
                links,
                connectors: this.connectors,
              }),
          },
        );
      }
      const stillPending = (
        await store.conflicts.pendingForIncident(conflict.incident_id)
      ).some(c => c.integration_id === conflict.integration_id);
      if (!stillPending) {
        await store.links.setStateFor(
          conflict.incident_id,
          conflict.integration_id,
          'in_sync',
          null,
        );
      }
    });
    this.onEnqueued();
    return this.get(id);
  }
}
