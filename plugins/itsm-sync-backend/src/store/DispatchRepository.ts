import type { Knex } from 'knex';
import {
  acknowledgeDeliveries,
  type DeliveryAck,
} from './acknowledgeDeliveries';
import { claimDispatchBatch } from './claimDispatchBatch';
import type { DispatchBatch } from './DispatchBatchReads';
import type { ClaimShares } from '../engine/claimShares';
import type { OutboxRecord } from './types';

/** The dispatcher's two hot statements: the claim (with its batch's reads) and the group-committed acknowledgement. */
export class DispatchRepository {
  constructor(private readonly db: Knex) {}

  /** Leases up to `limit` due rows, within each integration's share, and reads what their deliveries need (one statement on Postgres; see claimDispatchBatch.ts). */
  claim(options: {
    owner: string;
    limit: number;
    leaseMs: number;
    now: number;
    coalesceLimit: number;
    /** How many rows of each integration the claim may take (all `limit` without it). */
    shares?: ClaimShares;
  }): Promise<{ rows: OutboxRecord[]; batch: DispatchBatch }> {
    return claimDispatchBatch(
      this.db,
      options.owner,
      options.limit,
      options.leaseMs,
      options.now,
      options.coalesceLimit,
      options.shares,
    );
  }

  /** Marks delivered the rows `owner` still holds, with their links and counters; per ack, whether it held them (see acknowledgeDeliveries.ts). */
  acknowledge(
    owner: string,
    acks: DeliveryAck[],
    now: number,
  ): Promise<boolean[]> {
    return acknowledgeDeliveries(this.db, owner, acks, now);
  }
}
