import type { Knex } from 'knex';
import type {
  RoutingAction,
  RoutingRule,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { json, num } from './rows';
import type { RoutingRow } from './tableRows';

/** An integration's routing rules as stored. */
export interface IntegrationRoutingRecord {
  integration_id: string;
  rules: RoutingRule[];
  default: RoutingAction;
  updated_at: number;
}

function toRecord(row: RoutingRow): IntegrationRoutingRecord {
  return {
    integration_id: row.integration_id,
    rules: json(row.rules, []),
    default: row.default_action === 'route' ? 'route' : 'skip',
    updated_at: num(row.updated_at),
  };
}

/** Routing rules per integration (docs/DESIGN.md, "Routing"): one row per integration. */
export class RoutingRepository {
  constructor(private readonly db: Knex) {}

  async get(
    integrationId: string,
  ): Promise<IntegrationRoutingRecord | undefined> {
    const row = await this.db('integration_routing')
      .where({ integration_id: integrationId })
      .first();
    return row ? toRecord(row) : undefined;
  }

  /** Every integration's routing: one query. */
  async list(): Promise<IntegrationRoutingRecord[]> {
    return (await this.db('integration_routing').select()).map(toRecord);
  }

  /** Replaces an integration's rules and default as a whole. */
  async put(
    integrationId: string,
    routing: { rules: RoutingRule[]; default: RoutingAction },
    now: number,
  ): Promise<IntegrationRoutingRecord> {
    const row = {
      integration_id: integrationId,
      rules: JSON.stringify(routing.rules),
      default_action: routing.default,
      updated_at: now,
    };
    await this.db('integration_routing')
      .insert(row)
      .onConflict('integration_id')
      .merge(['rules', 'default_action', 'updated_at']);
    return toRecord(row);
  }
}
