import {
  INCIDENT_STATUSES,
  SEVERITIES,
  type IncidentStatus,
  type Severity,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  webhookSignatureScheme,
  type WebhookSignatureScheme,
} from '@itsm-sync-hub/plugin-itsm-sync-node';

/** Impact and urgency written for one severity. @public */
export interface ImpactUrgency {
  impact: string;
  urgency: string;
}

/** An integration's ServiceNow settings with every default filled in. @public */
export interface ServiceNowSettings {
  /** Severity to impact/urgency written to ServiceNow (defaults: docs/connectors/servicenow.md#severity-mapping). */
  severity_map: Record<Severity, ImpactUrgency>;
  /** Priority to severity, for impact/urgency pairs the severity map does not name. */
  priority_map: Record<string, Severity>;
  /** Status to state written on update; `new` is the state a new ticket opens in. */
  state_map: Record<IncidentStatus | 'new', string>;
  /** Further states read as a status (custom states of an instance). */
  state_read_map: Record<string, IncidentStatus>;
  /** hold_reason written with On Hold (3): 1 Awaiting Caller ... 5 Awaiting Change. */
  hold_reason: string;
  /** close_code and close_notes written with Resolved (6) and Closed (7). */
  close_code: string;
  close_notes: string;
  /** Records per Table API page when listing changes. */
  page_size: number;
  /** Refuse webhooks without an X-ServiceNow-Timestamp header. */
  require_timestamp: boolean;
  /**
   * How webhooks are signed: `legacy` (X-ServiceNow-Signature over the body, the default)
   * or `standard-webhooks` (webhook-id, webhook-timestamp, webhook-signature over
   * `id.timestamp.body`, 5 minute window).
   */
  webhook_signature_scheme: WebhookSignatureScheme;
}

export const DEFAULT_SETTINGS: ServiceNowSettings = {
  severity_map: {
    'SEV-1': { impact: '1', urgency: '1' },
    'SEV-2': { impact: '1', urgency: '2' },
    'SEV-3': { impact: '2', urgency: '2' },
    'SEV-4': { impact: '3', urgency: '3' },
  },
  priority_map: {
    '1': 'SEV-1',
    '2': 'SEV-2',
    '3': 'SEV-3',
    '4': 'SEV-4',
    '5': 'SEV-4',
  },
  state_map: {
    new: '1',
    open: '2',
    mitigated: '3',
    resolved: '6',
    closed: '7',
  },
  state_read_map: {
    '1': 'open',
    '2': 'open',
    '3': 'mitigated',
    '4': 'mitigated',
    '6': 'resolved',
    '7': 'closed',
    '8': 'closed',
  },
  hold_reason: '1',
  close_code: 'Solution provided',
  close_notes: 'Resolved in the incident platform',
  page_size: 100,
  require_timestamp: false,
  webhook_signature_scheme: 'legacy',
};

const CHOICE = /^[0-9]{1,4}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function choice(value: unknown, where: string): string {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !CHOICE.test(text)) {
    throw new Error(
      `${where} must be a ServiceNow choice value such as "1" (got ${JSON.stringify(value)})`,
    );
  }
  return text;
}

function objectSetting(
  raw: Record<string, unknown>,
  key: string,
): Record<string, unknown> | undefined {
  if (raw[key] === undefined) return undefined;
  if (!isRecord(raw[key])) throw new Error(`${key} must be an object`);
  return raw[key] as Record<string, unknown>;
}

function nonEmptyText(
  raw: Record<string, unknown>,
  key: string,
  fallback: string,
): string {
  const value = raw[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !value.trim())
    throw new Error(`${key} must be a non-empty string`);
  return value;
}

/**
 * Reads an integration's `settings` over the defaults; throws an Error naming the first
 * bad setting. Partial maps override only the entries they name.
 */
export function resolveSettings(
  raw: Record<string, unknown> = {},
): ServiceNowSettings {
  const severityMap = { ...DEFAULT_SETTINGS.severity_map };
  for (const [severity, value] of Object.entries(
    objectSetting(raw, 'severity_map') ?? {},
  )) {
    if (!(SEVERITIES as readonly string[]).includes(severity)) {
      throw new Error(
        `severity_map has unknown severity '${severity}'; use ${SEVERITIES.join(', ')}`,
      );
    }
    if (!isRecord(value))
      throw new Error(
        `severity_map.${severity} must be an object {impact, urgency}`,
      );
    severityMap[severity as Severity] = {
      impact: choice(value.impact, `severity_map.${severity}.impact`),
      urgency: choice(value.urgency, `severity_map.${severity}.urgency`),
    };
  }

  const priorityMap = { ...DEFAULT_SETTINGS.priority_map };
  for (const [priority, severity] of Object.entries(
    objectSetting(raw, 'priority_map') ?? {},
  )) {
    choice(priority, `priority_map key '${priority}'`);
    if (
      typeof severity !== 'string' ||
      !(SEVERITIES as readonly string[]).includes(severity)
    ) {
      throw new Error(
        `priority_map.${priority} must be one of ${SEVERITIES.join(', ')}`,
      );
    }
    priorityMap[priority] = severity as Severity;
  }

  const stateMap = { ...DEFAULT_SETTINGS.state_map };
  const stateReadMap = { ...DEFAULT_SETTINGS.state_read_map };
  for (const [status, state] of Object.entries(
    objectSetting(raw, 'state_map') ?? {},
  )) {
    if (
      status !== 'new' &&
      !(INCIDENT_STATUSES as readonly string[]).includes(status)
    ) {
      throw new Error(
        `state_map has unknown status '${status}'; use new, ${INCIDENT_STATUSES.join(', ')}`,
      );
    }
    stateMap[status as IncidentStatus | 'new'] = choice(
      state,
      `state_map.${status}`,
    );
    // A state written for a status reads back as that status.
    stateReadMap[stateMap[status as IncidentStatus | 'new']] =
      status === 'new' ? 'open' : (status as IncidentStatus);
  }
  for (const [state, status] of Object.entries(
    objectSetting(raw, 'state_read_map') ?? {},
  )) {
    choice(state, `state_read_map key '${state}'`);
    if (
      typeof status !== 'string' ||
      !(INCIDENT_STATUSES as readonly string[]).includes(status)
    ) {
      throw new Error(
        `state_read_map.${state} must be one of ${INCIDENT_STATUSES.join(', ')}`,
      );
    }
    stateReadMap[state] = status as IncidentStatus;
  }

  let pageSize = DEFAULT_SETTINGS.page_size;
  if (raw.page_size !== undefined) {
    if (
      typeof raw.page_size !== 'number' ||
      !Number.isInteger(raw.page_size) ||
      raw.page_size < 1 ||
      raw.page_size > 10000
    ) {
      throw new Error('page_size must be an integer from 1 to 10000');
    }
    pageSize = raw.page_size;
  }
  if (
    raw.require_timestamp !== undefined &&
    typeof raw.require_timestamp !== 'boolean'
  ) {
    throw new Error('require_timestamp must be true or false');
  }

  return {
    severity_map: severityMap,
    priority_map: priorityMap,
    state_map: stateMap,
    state_read_map: stateReadMap,
    hold_reason:
      raw.hold_reason === undefined
        ? DEFAULT_SETTINGS.hold_reason
        : choice(raw.hold_reason, 'hold_reason'),
    close_code: nonEmptyText(raw, 'close_code', DEFAULT_SETTINGS.close_code),
    close_notes: nonEmptyText(raw, 'close_notes', DEFAULT_SETTINGS.close_notes),
    page_size: pageSize,
    require_timestamp:
      (raw.require_timestamp as boolean | undefined) ??
      DEFAULT_SETTINGS.require_timestamp,
    webhook_signature_scheme: webhookSignatureScheme(raw),
  };
}
