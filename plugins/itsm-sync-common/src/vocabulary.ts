/** Incident severities, most severe first. @public */
export const SEVERITIES = ['SEV-1', 'SEV-2', 'SEV-3', 'SEV-4'] as const;
/** @public */
export type Severity = (typeof SEVERITIES)[number];

/** Lifecycle of a platform incident. @public */
export const INCIDENT_STATUSES = [
  'open',
  'mitigated',
  'resolved',
  'closed',
] as const;
/** @public */
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Which way changes flow for an integration (docs/sync-semantics.md#directions). @public */
export const SYNC_DIRECTIONS = [
  'outbound',
  'inbound',
  'bidirectional',
] as const;
/** @public */
export type SyncDirection = (typeof SYNC_DIRECTIONS)[number];

/** Who is authoritative for a field (docs/sync-semantics.md#field-ownership). @public */
export const FIELD_OWNERS = ['platform', 'external'] as const;
/** @public */
export type FieldOwner = (typeof FIELD_OWNERS)[number];

/** How simultaneous edits of one field are settled (docs/sync-semantics.md#strategies). @public */
export const CONFLICT_STRATEGIES = [
  'last-write-wins',
  'ownership-priority',
  'manual-review',
] as const;
/** @public */
export type ConflictStrategy = (typeof CONFLICT_STRATEGIES)[number];

/** Ways a person settles a queued conflict. @public */
export const CONFLICT_RESOLUTIONS = [
  'use-platform',
  'use-external',
  'ignore',
] as const;
/** @public */
export type ConflictResolution = (typeof CONFLICT_RESOLUTIONS)[number];

/** @public */
export const CONFLICT_STATUSES = ['pending', 'resolved'] as const;
/** @public */
export type ConflictStatus = (typeof CONFLICT_STATUSES)[number];

/** The state of one incident's link to one external ticket, as shown to people. */
/** `gone`: the vendor deleted the ticket; nothing more is sent to it. @public */
export const LINK_SYNC_STATES = [
  'in_sync',
  'pending',
  'failed',
  'conflict',
  'gone',
] as const;
/** @public */
export type LinkSyncState = (typeof LINK_SYNC_STATES)[number];

/** Outbox entry states. @public */
export const OUTBOX_STATES = ['pending', 'delivered', 'dead'] as const;
/** @public */
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** DLQ entry states. @public */
export const DLQ_STATES = ['failed', 'retried', 'discarded'] as const;
/** @public */
export type DlqState = (typeof DLQ_STATES)[number];

/**
 * Platform incident fields that take part in sync. Connectors may declare further
 * ownership names of their own (Jira's `priority`, `comments`), mapped onto these.
 * @public
 */
export const SYNCED_FIELDS = [
  'title',
  'description',
  'severity',
  'status',
  'assigned_to',
  'escalation_policy',
] as const;
/** @public */
export type SyncedField = (typeof SYNCED_FIELDS)[number];

/** Names of the sync metrics (docs/sync-semantics.md#sync-metrics) reported by sync-status. @public */
export const SYNC_METRICS = [
  'outbound_success',
  'outbound_failed',
  'inbound_success',
  'inbound_failed',
  'conflicts_detected',
  'conflicts_resolved',
  'drift_discrepancies',
] as const;
/** @public */
export type SyncMetric = (typeof SYNC_METRICS)[number];

/**
 * Who may read a note (docs/sync-semantics.md#notes-and-channels): `internal` stays with the
 * responders (ServiceNow work notes, Jira Service Management internal comments), `public` is
 * shown to requesters too (ServiceNow additional comments, public Jira comments). @public
 */
export const NOTE_VISIBILITIES = ['internal', 'public'] as const;
/** @public */
export type NoteVisibility = (typeof NOTE_VISIBILITIES)[number];

/**
 * How far back a metric series reaches (docs/sync-semantics.md#metric-series): an hour in
 * minutes, a day in 10-minute steps, a week in hours.
 * @public
 */
export const METRIC_SERIES_WINDOWS = ['1h', '1d', '1w'] as const;
/** @public */
export type MetricSeriesWindow = (typeof METRIC_SERIES_WINDOWS)[number];
