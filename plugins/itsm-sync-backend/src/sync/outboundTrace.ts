import type { SyncTraceField } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { TraceInsert } from '../store/TraceRepository';
import type { OutboxRecord } from '../store/types';
import type { DeliveryResult } from './OutboundDelivery';

/** The trace's failure text: the connector's message, cut short (the vendor's body is never kept). */
const ERROR_CHARS = 300;

/**
 * A failure as the trace keeps it: the vendor's words after "answered <status>" are cut
 * (bodies are never traced), and the call's method and path (without a query) are read
 * from the client's message (`<vendor> <METHOD> <path> answered <status>`).
 */
function redactedFailure(message: string): {
  error: string;
  method?: string;
  path?: string;
} {
  const answered = /^(.*? answered \d{3})/s.exec(message);
  const error = (answered ? answered[1] : message).slice(0, ERROR_CHARS);
  const call = /\b(GET|POST|PUT|PATCH|DELETE) (\/[^\s?]*)/.exec(error);
  return call ? { error, method: call[1], path: call[2] } : { error };
}

/** The fields a delivery's rows asked for (notes under `notes`). */
function requestedFields(rows: OutboxRecord[]): string[] {
  const fields = new Set<string>();
  for (const row of rows) {
    for (const f of Object.keys(row.payload.changes ?? {})) fields.add(f);
    if (row.payload.notes?.length || row.operation === 'note')
      fields.add('notes');
  }
  return [...fields];
}

/** The sync trace entry of a delivery the vendor took: what was sent, what ownership held back, the calls. */
export function deliveredTrace(
  rows: OutboxRecord[],
  result: DeliveryResult,
  now: number,
): TraceInsert {
  const head = rows[0];
  const sent = new Set(Object.keys(result.written));
  const owned = new Set(result.ownedExternally);
  const fields: SyncTraceField[] = [];
  for (const field of new Set([...sent, ...requestedFields(rows)])) {
    if (sent.has(field))
      fields.push({ field, outcome: 'applied', why: 'sent to the ticket' });
    else if (owned.has(field))
      fields.push({
        field,
        outcome: 'skipped',
        reason: 'owner',
        why: 'the vendor owns this field',
      });
    else if (field === 'notes')
      fields.push({ field, outcome: 'applied', why: 'note added' });
  }
  const latency = result.calls.reduce((sum, c) => sum + c.latency_ms, 0);
  return {
    incident_id: head.incident_id,
    integration_id: head.integration_id,
    at: now,
    direction: 'outbound',
    kind: 'delivered',
    source: head.payload.forced?.length ? 'platform (forced)' : 'platform',
    fields,
    call: {
      operation: result.calls.map(c => c.operation).join(', ') || 'none',
      status: null,
      latency_ms: latency,
    },
    attempts: head.attempts + 1,
  };
}

/** The sync trace entry of a failed delivery: retried (with its next time), waiting on a rate limit, or dead-lettered. */
export function failedTrace(
  head: OutboxRecord,
  failure: {
    kind: 'retry' | 'rate_limited' | 'dead_letter';
    now: number;
    attempts: number;
    nextAttemptAt?: number;
    status: number | null;
    latencyMs: number;
    error: string;
  },
): TraceInsert {
  const { error, method, path } = redactedFailure(failure.error);
  return {
    incident_id: head.incident_id,
    integration_id: head.integration_id,
    at: failure.now,
    direction: 'outbound',
    kind: failure.kind,
    source: 'platform',
    fields: [],
    call: {
      operation: head.operation,
      ...(method ? { method, path } : {}),
      status: failure.status,
      latency_ms: failure.latencyMs,
    },
    attempts: failure.attempts,
    next_attempt_at: failure.nextAttemptAt,
    error,
  };
}
