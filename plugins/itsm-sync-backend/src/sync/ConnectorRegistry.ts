import type { ItsmConnector } from '@itsm-sync-hub/plugin-itsm-sync-node';
import type { OwnershipFieldMapper } from '../engine/ownership';
import type { ConnectorLookup } from '../engine/outboundPlan';

/** Ownership names that mean the notes stream, whatever the vendor calls it. */
const NOTE_ALIASES = new Set(['notes', 'work_notes', 'comments']);

/** Installed connectors by integration type. */
export class ConnectorRegistry implements ConnectorLookup {
  private readonly byType = new Map<string, ItsmConnector>();

  add(connector: ItsmConnector) {
    if (this.byType.has(connector.type)) {
      throw new Error(
        `A connector for integration type '${connector.type}' is already installed`,
      );
    }
    this.byType.set(connector.type, connector);
  }

  get(type: string): ItsmConnector | undefined {
    return this.byType.get(type);
  }

  list(): ItsmConnector[] {
    return [...this.byType.values()].sort((a, b) =>
      a.type.localeCompare(b.type),
    );
  }

  types(): string[] {
    return this.list().map(c => c.type);
  }

  /** Every installed connector creates, updates and takes notes; a missing module cannot. */
  canSend(type: string): boolean {
    return this.byType.has(type);
  }

  sendsNotes(type: string): boolean {
    return this.byType.has(type);
  }

  mapperFor(type: string): OwnershipFieldMapper {
    const connector = this.byType.get(type);
    return field => {
      const mapped = connector?.platformFieldFor?.(field) ?? field;
      return NOTE_ALIASES.has(mapped) ? 'notes' : mapped;
    };
  }
}
