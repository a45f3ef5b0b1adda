import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { FieldOwnershipRule } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { bool, json, num, numOrNull } from './rows';
import type { IntegrationRecord } from './types';
import {
  integrationSnapshots,
  type IntegrationWithRules,
} from './integrationSnapshots';
import type { IntegrationRow } from './tableRows';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toRecord(row: IntegrationRow): IntegrationRecord {
  return {
    id: row.id,
    name: row.name,
    organization_id: row.organization_id,
    integration_type: row.integration_type,
    base_url: row.base_url,
    sync_direction: row.sync_direction,
    enabled: bool(row.enabled),
    conflict_strategy: row.conflict_strategy,
    conflict_window_seconds: num(row.conflict_window_seconds),
    rate_limit: numOrNull(row.rate_limit),
    backoff_multiplier: Number(row.backoff_multiplier),
    settings: json(row.settings, {}),
    secrets_ciphertext: row.secrets_ciphertext,
    credential_keys: json(row.credential_keys, []),
    webhook_secret_count: num(row.webhook_secret_count),
    not_before: numOrNull(row.not_before),
    managed_by: row.managed_by === 'config' ? 'config' : null,
    last_test:
      row.last_test_at === null || row.last_test_at === undefined
        ? null
        : {
            ok: bool(row.last_test_ok ?? false),
            message: row.last_test_message ?? '',
            at: num(row.last_test_at),
          },
    created_at: num(row.created_at),
    updated_at: num(row.updated_at),
  };
}

function toRow(record: Partial<IntegrationRecord>): Record<string, unknown> {
  const { last_test, ...rest } = record;
  const row: Record<string, unknown> = { ...rest };
  if (record.settings) row.settings = JSON.stringify(record.settings);
  if (record.credential_keys)
    row.credential_keys = JSON.stringify(record.credential_keys);
  return row;
}

/** Integrations and their field ownership rules. */
export class IntegrationRepository {
  constructor(private readonly db: Knex) {}

  async create(
    record: Omit<
      IntegrationRecord,
      | 'id'
      | 'created_at'
      | 'updated_at'
      | 'not_before'
      | 'managed_by'
      | 'last_test'
    > & { id?: string; managed_by?: IntegrationRecord['managed_by'] },
    rules: FieldOwnershipRule[],
    now: number,
  ): Promise<IntegrationRecord> {
    // A caller may choose the id (secrets are sealed bound to it before the insert).
    const id = record.id ?? randomUUID();
    await this.db.transaction(async tx => {
      await tx('integrations').insert(
        toRow({
          ...record,
          id,
          not_before: null,
          created_at: now,
          updated_at: now,
        }),
      );
      if (rules.length) {
        await tx('field_ownership').insert(
          rules.map(r => ({
            integration_id: id,
            field: r.field,
            owner: r.owner,
            priority: r.priority,
          })),
        );
      }
    });
    this.forgetSnapshots();
    return (await this.get(id))!;
  }

  async list(): Promise<IntegrationRecord[]> {
    const rows = await this.db('integrations').orderBy('name');
    return rows.map(toRecord);
  }

  async get(id: string): Promise<IntegrationRecord | undefined> {
    const row = await this.db('integrations').where({ id }).first();
    return row ? toRecord(row) : undefined;
  }

  /** Several integrations in one query. */
  async getMany(ids: string[]): Promise<IntegrationRecord[]> {
    if (!ids.length) return [];
    return (await this.db('integrations').whereIn('id', [...new Set(ids)])).map(
      toRecord,
    );
  }

  /**
   * Several integrations with their field ownership rules, for the sync paths: from the
   * short-lived snapshots (see integrationSnapshots.ts), the rest in one query. Frozen.
   */
  async getManyWithRules(ids: string[]): Promise<IntegrationWithRules[]> {
    if (!ids.length) return [];
    return integrationSnapshots(this.db).getMany(ids, missing =>
      this.readManyWithRules(missing),
    );
  }

  /** Several integrations with their rules, in one query (a LEFT JOIN: one row per rule, or one row for an integration without rules). */
  private async readManyWithRules(
    ids: string[],
  ): Promise<IntegrationWithRules[]> {
    const rows = await this.db('integrations as i')
      .leftJoin('field_ownership as f', 'f.integration_id', 'i.id')
      .whereIn('i.id', [...new Set(ids)])
      .orderBy([{ column: 'i.id' }, { column: 'f.field' }])
      .select(
        'i.*',
        'f.field as rule_field',
        'f.owner as rule_owner',
        'f.priority as rule_priority',
      );
    const out = new Map<string, IntegrationWithRules>();
    for (const row of rows) {
      let entry = out.get(row.id);
      if (!entry) {
        entry = { integration: toRecord(row), rules: [] };
        out.set(row.id, entry);
      }
      if (row.rule_field !== null && row.rule_field !== undefined) {
        entry.rules.push({
          field: row.rule_field,
          owner: row.rule_owner,
          priority: num(row.rule_priority),
        });
      }
    }
    return [...out.values()];
  }

  /**
   * Reads the integrations and rules of the `ids` whose rules are not in `rules` yet,
   * in one query, into both maps (an integration already in `integrations` is kept). An
   * id with no integration (deleted meanwhile) gets no rules, so it is not asked again.
   */
  static async readWithRulesInto(
    db: Knex,
    ids: string[],
    integrations: Map<string, IntegrationRecord>,
    rules: Map<string, FieldOwnershipRule[]>,
  ): Promise<void> {
    const wanted = [...new Set(ids)].filter(id => !rules.has(id));
    if (!wanted.length) return;
    for (const entry of await new IntegrationRepository(db).getManyWithRules(
      wanted,
    )) {
      if (!integrations.has(entry.integration.id))
        integrations.set(entry.integration.id, entry.integration);
      rules.set(entry.integration.id, entry.rules);
    }
    for (const id of wanted) if (!rules.has(id)) rules.set(id, []);
  }

  /** Integrations are addressed by id or by name (the CLI uses names). */
  async getByIdOrName(
    idOrName: string,
  ): Promise<IntegrationRecord | undefined> {
    if (UUID.test(idOrName)) {
      const byId = await this.get(idOrName.toLowerCase());
      if (byId) return byId;
    }
    const row = await this.db('integrations').where({ name: idOrName }).first();
    return row ? toRecord(row) : undefined;
  }

  async nameTaken(name: string, exceptId?: string): Promise<boolean> {
    const q = this.db('integrations').where({ name });
    if (exceptId) q.whereNot({ id: exceptId });
    return Boolean(await q.first('id'));
  }

  /** Notes a connection test's answer; not a change of the integration, so `updated_at` stays. */
  async recordTest(
    id: string,
    result: { ok: boolean; message: string },
    now: number,
  ): Promise<void> {
    await this.db('integrations')
      .where({ id })
      .update({
        last_test_ok: result.ok,
        last_test_message: result.message.slice(0, 2000),
        last_test_at: now,
      });
    this.forgetSnapshots();
  }

  /** The name of an integration of `type` in the organization, other than `exceptId`, if there is one. */
  async nameOfTypeInOrganization(
    type: string,
    organizationId: string,
    exceptId?: string,
  ): Promise<string | undefined> {
    const q = this.db('integrations').where({
      integration_type: type,
      organization_id: organizationId,
    });
    if (exceptId) q.whereNot({ id: exceptId });
    const row = await q.orderBy('name').first('name');
    return row?.name;
  }

  async update(
    id: string,
    changes: Partial<Omit<IntegrationRecord, 'id' | 'created_at'>>,
    now: number,
  ): Promise<IntegrationRecord> {
    await this.db('integrations')
      .where({ id })
      .update(toRow({ ...changes, updated_at: now }));
    this.forgetSnapshots();
    return (await this.get(id))!;
  }

  /**
   * Replaces an integration's sealed secrets (and settings, when given) only if they are
   * still `expected`, so a reseal never overwrites a concurrent update; true when written.
   */
  async replaceSecrets(
    id: string,
    expected: string,
    ciphertext: string,
    settings?: Record<string, unknown>,
  ): Promise<boolean> {
    const row: Record<string, unknown> = { secrets_ciphertext: ciphertext };
    if (settings) row.settings = JSON.stringify(settings);
    const written = await this.db('integrations')
      .where({ id, secrets_ciphertext: expected })
      .update(row);
    this.forgetSnapshots();
    return written === 1;
  }

  async delete(id: string): Promise<void> {
    await this.db.transaction(async tx => {
      // Dependents first: SQLite only cascades when foreign keys are switched on.
      for (const table of [
        'integration_metrics',
        'reconcile_schedules',
        'reconcile_runs',
        'webhook_deliveries',
        'conflicts',
        'dlq',
        'outbox',
        'links',
        'field_ownership',
        'callback_tokens',
        'ignored_webhook_events',
      ]) {
        await tx(table).where({ integration_id: id }).delete();
      }
      await tx('integrations').where({ id }).delete();
    });
    this.forgetSnapshots();
  }

  /** Remembers a vendor's rate-limit reset so no replica calls it before then. */
  async setNotBefore(id: string, notBefore: number): Promise<void> {
    await this.db('integrations')
      .where({ id })
      .andWhere(q =>
        q.whereNull('not_before').orWhere('not_before', '<', notBefore),
      )
      .update({ not_before: notBefore });
    this.forgetSnapshots();
  }

  async rules(integrationId: string): Promise<FieldOwnershipRule[]> {
    const rows = await this.db('field_ownership')
      .where({ integration_id: integrationId })
      .orderBy('field');
    return rows.map(r => ({
      field: r.field,
      owner: r.owner,
      priority: num(r.priority),
    }));
  }

  async allRules(): Promise<Map<string, FieldOwnershipRule[]>> {
    const rows = await this.db('field_ownership').orderBy('field');
    const out = new Map<string, FieldOwnershipRule[]>();
    for (const r of rows) {
      const list = out.get(r.integration_id) ?? [];
      list.push({ field: r.field, owner: r.owner, priority: num(r.priority) });
      out.set(r.integration_id, list);
    }
    return out;
  }

  async putRule(
    integrationId: string,
    rule: FieldOwnershipRule,
  ): Promise<void> {
    await this.db('field_ownership')
      .insert({ integration_id: integrationId, ...rule })
      .onConflict(['integration_id', 'field'])
      .merge(['owner', 'priority']);
    this.forgetSnapshots();
  }

  async deleteRule(integrationId: string, field: string): Promise<boolean> {
    const deleted =
      (await this.db('field_ownership')
        .where({ integration_id: integrationId, field })
        .delete()) > 0;
    this.forgetSnapshots();
    return deleted;
  }

  /** After a write through this replica, its sync paths read the integration afresh. */
  private forgetSnapshots() {
    integrationSnapshots(this.db).forget(this.db);
  }
}
