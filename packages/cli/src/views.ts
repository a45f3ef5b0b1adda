import type {
  ConflictResponse,
  DlqEntryResponse,
  FieldOwnershipRule,
  IncidentLinkResponse,
  IntegrationResponse,
  ReconcileRunResponse,
  SyncStatusResponse,
  SyncTraceEntry,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { listTable, recordTable } from './output';

/* Tables for people. JSON output never goes through here: scripts get the API's objects. */

export function integrationView(i: IntegrationResponse): string {
  return recordTable([
    ['id', i.id],
    ['name', i.name],
    ['type', i.integration_type],
    ['organization', i.organization_id],
    ['base url', i.base_url],
    ['direction', i.sync_direction],
    ['enabled', i.enabled],
    ['conflict strategy', i.conflict_strategy],
    ['conflict window (s)', i.conflict_window_seconds],
    ['rate limit (/min)', i.rate_limit],
    ['backoff multiplier', i.backoff_multiplier],
    ['credentials', i.credential_keys.join(', ')],
    ['webhook secrets', i.webhook_secret_count],
    ['webhook url', i.webhook_url],
    ['settings', Object.keys(i.settings).length ? i.settings : null],
    [
      'managed by',
      i.managed_by === 'config'
        ? 'configuration (itsmSync.integrations; read-only)'
        : 'API',
    ],
    ['updated', i.updated_at],
  ]);
}

export function syncStatusView(s: SyncStatusResponse): string {
  const summary = recordTable([
    ['integration', `${s.name} (${s.integration_id})`],
    ['health', s.health],
    ['enabled', s.enabled],
    ['links', s.links],
    ['outbox pending', s.outbox_pending],
    ['dlq size', s.dlq_size],
    ['pending conflicts', s.pending_conflicts],
    ['last outbound', s.last_outbound_at],
    ['last inbound', s.last_inbound_at],
    ['last error', s.last_error],
    ['rate limited until', s.rate_limited_until],
  ]);
  const metrics = listTable(Object.entries(s.metrics), [
    ['metric', ([name]) => name],
    ['value', ([, value]) => value],
  ]);
  // Older hubs answer without the fields.
  const refused = (s.webhooks_refused ?? []).map(
    r =>
      `webhooks refused: ${r.reason} (${r.count_last_hour} in the last hour, last at ${r.last_at})`,
  );
  const head = [summary, ...refused, metrics].join('\n');
  const ignoredEvents = s.ignored_events ?? [];
  if (!ignoredEvents.length) return head;
  const ignored = listTable(ignoredEvents, [
    ['ignored event', e => e.event_type],
    ['count', e => e.count],
    ['reason', e => e.reason],
    ['last seen', e => e.last_seen_at],
  ]);
  return `${head}\n${ignored}`;
}

export function linksView(items: IncidentLinkResponse[]): string {
  return listTable(items, [
    ['incident', l => l.incident_id],
    ['external key', l => l.external_key],
    ['external id', l => l.external_id],
    ['state', l => l.sync_state],
    ['last synced', l => l.last_synced_at],
    ['last error', l => l.last_error],
  ]);
}

export function dlqView(items: DlqEntryResponse[]): string {
  return listTable(items, [
    ['entry', e => e.id],
    ['incident', e => e.incident_id],
    ['operation', e => e.operation],
    ['attempts', e => e.attempts],
    ['status', e => e.last_status],
    ['error', e => e.last_error],
    ['state', e => e.state],
    ['created', e => e.created_at],
  ]);
}

export function ownershipView(items: FieldOwnershipRule[]): string {
  return listTable(items, [
    ['field', r => r.field],
    ['owner', r => r.owner],
    ['priority', r => r.priority],
  ]);
}

export function conflictsView(items: ConflictResponse[]): string {
  return listTable(items, [
    ['conflict', c => c.id],
    ['integration', c => c.integration_id],
    ['incident', c => c.incident_id],
    ['field', c => c.field],
    ['platform value', c => c.platform_value],
    ['external value', c => c.external_value],
    ['status', c => c.status],
    ['resolution', c => c.resolution],
  ]);
}

export function conflictView(
  c: ConflictResponse & {
    incident?: { id: string; title: string } | null;
    integration?: { id: string; name: string } | null;
  },
): string {
  return recordTable([
    ['conflict', c.id],
    [
      'integration',
      c.integration
        ? `${c.integration.name} (${c.integration.id})`
        : c.integration_id,
    ],
    [
      'incident',
      c.incident ? `${c.incident.title} (${c.incident.id})` : c.incident_id,
    ],
    ['field', c.field],
    ['platform value', c.platform_value],
    ['platform changed', c.platform_changed_at],
    ['external value', c.external_value],
    ['external changed', c.external_changed_at],
    ['status', c.status],
    ['resolution', c.resolution],
    ['resolved by', c.resolved_by],
    ['resolved at', c.resolved_at],
  ]);
}

function runMode(run: ReconcileRunResponse): string {
  if (run.dry_run) return 'dry run';
  return run.auto_heal ? 'auto-heal' : 'check';
}

export function reconcileRunView(run: ReconcileRunResponse): string {
  const mode = runMode(run);
  const summary = recordTable([
    ['run', run.id],
    ['mode', mode],
    ['status', run.status],
    ['checked', run.checked],
    ['discrepancies', run.discrepancies_found],
    ['healed', run.healed],
    ['duration (ms)', run.duration_ms],
    ['error', run.error],
  ]);
  if (!run.discrepancies?.length) return `${summary}\nNo drift found.`;
  const details = listTable(run.discrepancies, [
    ['kind', d => d.kind],
    ['incident', d => d.incident_id],
    ['external id', d => d.external_id],
    ['field', d => d.field],
    ['platform value', d => d.platform_value],
    ['external value', d => d.external_value],
    ['owner', d => d.owner],
    ['action', d => (run.dry_run ? `would ${d.action}` : d.action)],
  ]);
  return `${summary}\n${details}`;
}

export function reconcileHistoryView(runs: ReconcileRunResponse[]): string {
  return listTable(runs, [
    ['run', r => r.id],
    ['started', r => r.started_at],
    ['trigger', r => r.trigger],
    ['mode', r => runMode(r)],
    ['status', r => r.status],
    ['checked', r => r.checked],
    ['discrepancies', r => r.discrepancies_found],
    ['healed', r => r.healed],
    ['duration (ms)', r => r.duration_ms],
  ]);
}

/** One line per field decision, e.g. `severity skipped (owner): the platform owns this field`. */
function traceFields(e: SyncTraceEntry): string {
  return e.fields
    .map(f =>
      f.outcome === 'applied'
        ? `${f.field} applied`
        : `${f.field} skipped (${f.reason}): ${f.why}`,
    )
    .join('\n');
}

export function traceView(items: SyncTraceEntry[]): string {
  return listTable(items, [
    ['at', e => e.at],
    ['direction', e => e.direction],
    ['kind', e => e.kind],
    ['integration', e => e.integration_id],
    ['source', e => e.source],
    ['fields', traceFields],
    [
      'call',
      e =>
        e.call &&
        `${e.call.operation} ${e.call.status ?? ''} ${e.call.latency_ms} ms`.replace(
          /\s+/g,
          ' ',
        ),
    ],
    ['next attempt', e => e.next_attempt_at],
    ['error', e => e.error],
  ]);
}
