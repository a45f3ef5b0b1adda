import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { isPostgres } from './dialect';
import { num, numOrNull } from './rows';
import type { CallbackTokenRow } from './tableRows';

/** A callback token as stored: its hash, never the token. */
export interface CallbackTokenRecord {
  id: string;
  integration_id: string;
  name: string;
  description: string;
  token_hash: string;
  created_at: number;
  created_by: string;
  last_used_at: number | null;
  revoked_at: number | null;
}

function toRecord(row: CallbackTokenRow): CallbackTokenRecord {
  return {
    id: row.id,
    integration_id: row.integration_id,
    name: row.name,
    description: row.description ?? '',
    token_hash: row.token_hash,
    created_at: num(row.created_at),
    created_by: row.created_by,
    last_used_at: numOrNull(row.last_used_at),
    revoked_at: numOrNull(row.revoked_at),
  };
}

/** Callback tokens of integrations (docs/connectors/webhook.md#callback-tokens). */
export class CallbackTokenRepository {
  constructor(private readonly db: Knex) {}

  /** Serialises token changes of one integration (Postgres row lock; SQLite has one writer). */
  async lockIntegration(integrationId: string): Promise<void> {
    const query = this.db('integrations')
      .where({ id: integrationId })
      .first('id');
    if (isPostgres(this.db)) query.forUpdate();
    await query;
  }

  async create(
    input: {
      integrationId: string;
      name: string;
      description: string;
      tokenHash: string;
      createdBy: string;
    },
    now: number,
  ): Promise<CallbackTokenRecord> {
    const row = {
      id: randomUUID(),
      integration_id: input.integrationId,
      name: input.name,
      description: input.description,
      token_hash: input.tokenHash,
      created_at: now,
      created_by: input.createdBy,
      last_used_at: null,
      revoked_at: null,
    };
    await this.db('callback_tokens').insert(row);
    return toRecord(row);
  }

  /** Every token of an integration, live and revoked, newest first. */
  async list(integrationId: string): Promise<CallbackTokenRecord[]> {
    const rows = await this.db('callback_tokens')
      .where({ integration_id: integrationId })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(toRecord);
  }

  async get(
    integrationId: string,
    id: string,
  ): Promise<CallbackTokenRecord | undefined> {
    const row = await this.db('callback_tokens')
      .where({ integration_id: integrationId, id })
      .first();
    return row ? toRecord(row) : undefined;
  }

  async countLive(integrationId: string): Promise<number> {
    const row = await this.db('callback_tokens')
      .where({ integration_id: integrationId })
      .whereNull('revoked_at')
      .count({ n: '*' })
      .first();
    return num(row?.n ?? 0);
  }

  /** SHA-256 (hex) of every live token of an integration. */
  async liveHashes(integrationId: string): Promise<string[]> {
    const rows = await this.db('callback_tokens')
      .where({ integration_id: integrationId })
      .whereNull('revoked_at')
      .orderBy('created_at', 'desc')
      .select('token_hash');
    return rows.map(r => r.token_hash as string);
  }

  /** Revokes a live token; false when there is no such live token on that integration. */
  async revoke(
    integrationId: string,
    id: string,
    now: number,
  ): Promise<boolean> {
    const updated = await this.db('callback_tokens')
      .where({ integration_id: integrationId, id })
      .whereNull('revoked_at')
      .update({ revoked_at: now });
    return updated > 0;
  }

  /** Notes that a live token with this hash was just used. */
  async touch(
    integrationId: string,
    tokenHash: string,
    now: number,
  ): Promise<void> {
    await this.db('callback_tokens')
      .where({ integration_id: integrationId, token_hash: tokenHash })
      .whereNull('revoked_at')
      .update({ last_used_at: now });
  }
}
