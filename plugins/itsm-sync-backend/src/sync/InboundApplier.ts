import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ItsmConnector, NormalizedChange } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { isConflict, settleConflict } from '../engine/conflicts';
import { withoutEchoes } from '../engine/echo';
import { changedFields, pickPlatformFields, type FieldChanges } from '../engine/fields';
import { planNote, planOutbound } from '../engine/outboundPlan';
import { inboundAllowed } from '../engine/ownership';
import { OutboxRepository } from '../store/OutboxRepository';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord } from '../store/types';
import type { Clock } from './Clock';
import type { ConnectorRegistry } from './ConnectorRegistry';

export type InboundOutcome = 'applied' | 'ignored';

const SEVERITY_DEFAULT = 'SEV-3';

/**
 * Applies one verified, accepted vendor change to the platform, in one transaction:
 * echoes of the hub's own writes are dropped, ownership and conflict strategy decide
 * field by field, the incident is updated, and the change fans out to the incident's
 * other integrations through the outbox.
 */
export class InboundApplier {
  constructor(
    private readonly store: SyncStore,
    private readonly connectors: ConnectorRegistry,
    private readonly logger: LoggerService,
    private readonly clock: Clock,
  ) {}

  async apply(integration: IntegrationRecord, connector: ItsmConnector, change: NormalizedChange): Promise<InboundOutcome> {
    const source = `integration:${integration.id}`;
    const now = this.clock.now();
    return this.store.transaction(async (store, tx) => {
      const link = await store.links.byExternalId(integration.id, change.externalId, tx);
      if (!link) return this.createFromVendor(store, tx, integration, connector, change, now);

      const incident = (await store.incidents.get(link.incident_id, tx))!;
      const rules = await store.integrations.rules(integration.id);
      const mapper = this.connectors.mapperFor(integration.integration_type);
      let applied = false;

      if (change.note && inboundAllowed('notes', rules, mapper)) {
        await store.incidents.addTimelineEntry(
          incident.id,
          { kind: 'note', text: change.note.text, author: change.note.author ?? change.actor ?? null, source },
          {
            now,
            tx,
            plan: links => planNote({ incidentId: incident.id, note: change.note!, source, links, connectors: this.connectors }),
          },
        );
        applied = true;
      }
      if (change.timeline) {
        await store.incidents.addTimelineEntry(
          incident.id,
          { kind: 'event', text: change.timeline, author: change.actor ?? null, source },
          { now, tx },
        );
        applied = true;
      }

      const incoming = pickPlatformFields(change.fields as Record<string, unknown>);
      const { kept } = withoutEchoes(link.last_written, incoming as Record<string, unknown>);
      const differing = changedFields(incident, kept as FieldChanges) as Record<string, unknown>;
      const externalAt = Number.isNaN(Date.parse(change.occurredAt)) ? now : Date.parse(change.occurredAt);
      const toApply: Record<string, unknown> = {};
      const restore: Record<string, unknown> = {};

      for (const [field, value] of Object.entries(differing)) {
        const fieldChange = {
          field,
          platformValue: (incident as any)[field],
          externalValue: value,
          externalAt,
          platformMark: incident.field_changes[field],
          integrationId: integration.id,
        };
        if (isConflict(fieldChange, integration.conflict_window_seconds * 1000)) {
          const otherId = fieldChange.platformMark?.source.startsWith('integration:')
            ? fieldChange.platformMark.source.slice('integration:'.length)
            : undefined;
          const other = otherId ? await store.integrations.get(otherId) : undefined;
          const outcome = settleConflict({
            strategy: integration.conflict_strategy,
            change: fieldChange,
            rules,
            mapField: mapper,
            otherSourceRules: other ? await store.integrations.rules(other.id) : undefined,
            otherSourceMapField: other ? this.connectors.mapperFor(other.integration_type) : undefined,
          });
          await store.metrics.increment(integration.id, 'conflicts_detected', 1, tx);
          const record = {
            integration_id: integration.id,
            incident_id: incident.id,
            field,
            platform_value: fieldChange.platformValue,
            platform_changed_at: fieldChange.platformMark!.at,
            external_value: value,
            external_changed_at: externalAt,
          };
          if (outcome === 'queue-for-review') {
            await store.conflicts.create({ ...record, status: 'pending' }, now, tx);
            await store.links.setState(link.id, 'conflict', null, tx);
            continue;
          }
          await store.conflicts.create(
            {
              ...record,
              status: 'resolved',
              resolution: outcome === 'apply-external' ? 'use-external' : 'use-platform',
              resolved_by: `strategy:${integration.conflict_strategy}`,
            },
            now,
            tx,
          );
          await store.metrics.increment(integration.id, 'conflicts_resolved', 1, tx);
          if (outcome === 'apply-external') toApply[field] = value;
          else restore[field] = fieldChange.platformValue;
          continue;
        }
        if (inboundAllowed(field, rules, mapper)) toApply[field] = value;
      }

      // What the vendor now holds is known, so it is not echoed back or re-applied.
      await store.links.rememberExternalValues(link.id, incoming as Record<string, unknown>, tx);

      if (Object.keys(toApply).length) {
        await store.incidents.update(incident.id, toApply as FieldChanges, {
          now,
          source,
          tx,
          plan: ({ incident: updated, changes, links }) =>
            planOutbound({ incidentId: updated.id, changes, source, links, connectors: this.connectors }),
        });
        applied = true;
      }
      if (Object.keys(restore).length) {
        // The platform won a conflict: put its value back on this vendor's ticket.
        await OutboxRepository.insert(
          tx,
          [{ integration_id: integration.id, incident_id: incident.id, operation: 'sync', payload: { changes: restore as FieldChanges, forced: Object.keys(restore) } }],
          now,
        );
        applied = true;
      }
      return applied ? 'applied' : 'ignored';
    });
  }

  /** A vendor ticket with no platform incident: created only when the vendor says it is new. */
  private async createFromVendor(
    store: SyncStore,
    tx: any,
    integration: IntegrationRecord,
    connector: ItsmConnector,
    change: NormalizedChange,
    now: number,
  ): Promise<InboundOutcome> {
    const allowed =
      change.kind === 'created' && connector.capabilities.inboundCreate && integration.settings.inbound_create !== false;
    if (!allowed) {
      this.logger.debug('Inbound change for an unlinked ticket ignored', { integration: integration.id, external_id: change.externalId });
      return 'ignored';
    }
    const fields = { ...(change.ticket?.fields ?? {}), ...change.fields } as FieldChanges;
    const values = {
      title: fields.title || `Incident from ${integration.name} ${change.externalKey ?? change.externalId}`,
      description: fields.description ?? '',
      severity: fields.severity ?? SEVERITY_DEFAULT,
      status: fields.status ?? 'open',
      assigned_to: fields.assigned_to ?? null,
      escalation_policy: fields.escalation_policy ?? null,
      entity_ref: typeof integration.settings.default_entity_ref === 'string' ? integration.settings.default_entity_ref : null,
    } as const;
    await store.incidents.create(values as any, {
      now,
      source: `integration:${integration.id}`,
      linkTo: [],
      plan: () => [],
      tx,
      external: {
        integrationId: integration.id,
        id: change.externalId,
        key: change.externalKey ?? change.ticket?.externalKey ?? null,
        url: change.ticket?.url ?? null,
        written: pickPlatformFields(values as any),
      },
    });
    return 'applied';
  }
}

