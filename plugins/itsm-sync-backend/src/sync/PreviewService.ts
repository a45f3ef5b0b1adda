import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, toError } from '@backstage/errors';
import type {
  FieldOwnershipRule,
  IntegrationPreviewResponse,
  integrationPreviewRequestSchema,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { z } from 'zod';
import { previewLinkedIncident } from '../engine/preview';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord, LinkRecord } from '../store/types';
import type { ConnectorRegistry } from './ConnectorRegistry';
import type { IntegrationService } from './IntegrationService';

/** A parsed preview request (defaults applied). */
type PreviewDraft = z.output<typeof integrationPreviewRequestSchema>;

/** The stored rules with each field the draft names replaced by the draft's rule. */
function draftRules(
  stored: FieldOwnershipRule[],
  draft: FieldOwnershipRule[],
): FieldOwnershipRule[] {
  const named = new Set(draft.map(r => r.field));
  return [...stored.filter(r => !named.has(r.field)), ...draft];
}

/**
 * The test run of a draft configuration (docs/sync-semantics.md#preview): for linked
 * incidents or tickets, what syncing them would do to each field under the stored
 * settings and under the draft, by the same decisions a reconcile with auto-heal makes.
 * Reads the incidents, links, conflicts and (from the vendor) the tickets; writes nothing.
 */
export class PreviewService {
  constructor(
    private readonly options: {
      store: SyncStore;
      connectors: ConnectorRegistry;
      integrations: IntegrationService;
      logger: LoggerService;
    },
  ) {}

  async preview(
    integration: IntegrationRecord,
    draft: PreviewDraft,
  ): Promise<IntegrationPreviewResponse> {
    const { store, connectors, integrations, logger } = this.options;
    const links = await this.linksOf(integration, draft);
    const stored = await store.integrations.rules(integration.id);
    const now = { rules: stored, direction: integration.sync_direction };
    const next = {
      rules: draftRules(stored, draft.field_ownership),
      direction: draft.sync_direction ?? integration.sync_direction,
    };
    const connector = integrations.connectorFor(integration.integration_type);
    const ctx = await integrations.connectorContext(integration, logger);
    const mapField = connectors.mapperFor(integration.integration_type);
    const incidents = new Map(
      (await store.incidents.getMany(links.map(l => l.incident_id))).map(i => [
        i.id,
        i,
      ]),
    );
    const items: IntegrationPreviewResponse['items'] = [];
    for (const link of links) {
      const incident = incidents.get(link.incident_id)!;
      const item = {
        incident_id: link.incident_id,
        external_id: link.external_id!,
        fields: [] as IntegrationPreviewResponse['items'][number]['fields'],
      };
      let ticket;
      try {
        ticket = await connector.fetchTicket(ctx, link.external_id!);
      } catch (error) {
        items.push({ ...item, error: toError(error).message.slice(0, 300) });
        continue;
      }
      if (!ticket) {
        items.push({ ...item, error: 'the ticket no longer exists' });
        continue;
      }
      const pending = (await store.conflicts.pendingForIncident(incident.id))
        .filter(c => c.integration_id === integration.id)
        .map(c => c.field);
      item.fields = previewLinkedIncident({
        platform: incident as unknown as Record<string, unknown>,
        external: ticket.fields as Record<string, unknown>,
        lastWritten: link.last_written,
        mapField,
        pendingConflictFields: new Set(pending),
        now,
        draft: next,
      });
      items.push(item);
    }
    return {
      integration_id: integration.id,
      draft: { sync_direction: next.direction, field_ownership: next.rules },
      items,
    };
  }

  /** The links named (by incident or ticket), each with a ticket; an unknown one is named in a 400. */
  private async linksOf(
    integration: IntegrationRecord,
    draft: PreviewDraft,
  ): Promise<LinkRecord[]> {
    const { store } = this.options;
    const out = new Map<string, LinkRecord>();
    for (const id of draft.incidents) {
      const link = (await store.links.forIncident(id)).find(
        l => l.integration_id === integration.id,
      );
      if (!link?.external_id)
        throw new InputError(
          `incidents: incident '${id}' has no ticket in integration '${integration.name}'`,
        );
      out.set(link.id, link);
    }
    for (const externalId of draft.tickets) {
      const link = await store.links.byExternalId(integration.id, externalId);
      if (!link)
        throw new InputError(
          `tickets: no incident is linked to ticket '${externalId}' of integration '${integration.name}'`,
        );
      out.set(link.id, link);
    }
    return [...out.values()];
  }
}
