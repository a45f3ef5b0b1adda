import {
  INCIDENT_STATUSES,
  SEVERITIES,
  type IncidentStatus,
  type Severity,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { inboundCreateEnabled } from '@itsm-sync-hub/plugin-itsm-sync-node';

/** The Jira settings of one integration, with defaults applied. */
export interface JiraSettings {
  /** The project issues are created in (`OPS`). */
  projectKey: string;
  /** The issue type of created issues (Jira SM: `Incident`). */
  issueType: string;
  /** Platform severity -> Jira priority name. */
  priorityBySeverity: Record<Severity, string>;
  /** Platform status -> Jira status names; the first is the one the hub moves issues to. */
  statusesByPlatform: Record<IncidentStatus, string[]>;
  /** Whether an issue created in the project opens a platform incident (`inbound_create`, on by default). */
  inboundCreate: boolean;
  /** The Connect app `clientKey` that must be a webhook JWT's `iss`; JWTs are refused without it. */
  jwtIssuer?: string;
  /** A path prefix the Connect app's base URL adds, left out of the `qsh` canonical path. */
  jwtBasePath?: string;
  /** The oldest a webhook JWT may be, by its `iat` (`jwt_max_token_age_seconds`, 300 by default). */
  jwtMaxTokenAgeSeconds: number;
}

/** Connect JWTs Jira sends live for 3 minutes; 5 allows for clock skew and a slow delivery. */
const DEFAULT_JWT_MAX_TOKEN_AGE_SECONDS = 300;

export const DEFAULT_PRIORITIES: Record<Severity, string> = {
  'SEV-1': 'Highest',
  'SEV-2': 'High',
  'SEV-3': 'Medium',
  'SEV-4': 'Low',
};

/** Jira's classic priority scheme, level for level with the default one. */
export const CLASSIC_PRIORITIES: Record<Severity, string> = {
  'SEV-1': 'Blocker',
  'SEV-2': 'Critical',
  'SEV-3': 'Major',
  'SEV-4': 'Minor',
};

const PRIORITY_SCHEMES = {
  default: DEFAULT_PRIORITIES,
  classic: CLASSIC_PRIORITIES,
};

export const DEFAULT_STATUSES: Record<IncidentStatus, string[]> = {
  open: ['To Do', 'In Progress', 'Open'],
  mitigated: ['Mitigated', 'Waiting for customer', 'Pending'],
  resolved: ['Resolved', 'Done'],
  closed: ['Closed', 'Canceled'],
};

const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,254}$/;

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || !value.trim())
    throw new Error(`${name} must be a non-empty string`);
  return value.trim();
}

/**
 * Reads and checks `settings`: `project_key` (required), `issue_type`, `priority_scheme`
 * (`default` or `classic`: the priority names severities map to unless `priority_map`
 * names them, `{ "SEV-1": "Highest", ... }`), `status_map` (`{ "open": ["To Do", ...], ... }`),
 * `inbound_create`, `jwt_issuer`, `jwt_base_path`, `jwt_max_token_age_seconds`. Throws an Error naming the bad setting.
 */
export function readSettings(settings: Record<string, unknown>): JiraSettings {
  const projectKey = nonEmptyString(settings.project_key, 'project_key');
  if (!PROJECT_KEY.test(projectKey)) {
    throw new Error(
      `project_key '${projectKey}' must be an upper-case Jira project key such as OPS`,
    );
  }
  const issueType =
    settings.issue_type === undefined
      ? 'Incident'
      : nonEmptyString(settings.issue_type, 'issue_type');

  const scheme = settings.priority_scheme ?? 'default';
  if (scheme !== 'default' && scheme !== 'classic') {
    throw new Error(
      `priority_scheme '${String(scheme)}' must be default (Highest..Lowest) or classic (Blocker..Trivial)`,
    );
  }
  const priorityBySeverity = { ...PRIORITY_SCHEMES[scheme] };
  if (settings.priority_map !== undefined) {
    const map = settings.priority_map as Record<string, unknown>;
    if (!map || typeof map !== 'object' || Array.isArray(map))
      throw new Error(
        'priority_map must be an object of severity to priority name',
      );
    for (const [severity, priority] of Object.entries(map)) {
      if (!SEVERITIES.includes(severity as Severity)) {
        throw new Error(
          `priority_map key '${severity}' must be one of ${SEVERITIES.join(', ')}`,
        );
      }
      priorityBySeverity[severity as Severity] = nonEmptyString(
        priority,
        `priority_map.${severity}`,
      );
    }
  }

  const statusesByPlatform = { ...DEFAULT_STATUSES };
  if (settings.status_map !== undefined) {
    const map = settings.status_map as Record<string, unknown>;
    if (!map || typeof map !== 'object' || Array.isArray(map))
      throw new Error(
        'status_map must be an object of platform status to Jira status names',
      );
    for (const [status, names] of Object.entries(map)) {
      if (!INCIDENT_STATUSES.includes(status as IncidentStatus)) {
        throw new Error(
          `status_map key '${status}' must be one of ${INCIDENT_STATUSES.join(', ')}`,
        );
      }
      const list = typeof names === 'string' ? [names] : names;
      if (!Array.isArray(list) || !list.length)
        throw new Error(
          `status_map.${status} must name at least one Jira status`,
        );
      statusesByPlatform[status as IncidentStatus] = list.map((n, i) =>
        nonEmptyString(n, `status_map.${status}[${i}]`),
      );
    }
    const seen = new Map<string, string>();
    for (const [status, names] of Object.entries(statusesByPlatform)) {
      for (const name of names) {
        const other = seen.get(name.toLowerCase());
        if (other && other !== status)
          throw new Error(
            `status_map names Jira status '${name}' for both ${other} and ${status}`,
          );
        seen.set(name.toLowerCase(), status);
      }
    }
  }

  const jwtIssuer =
    settings.jwt_issuer === undefined
      ? undefined
      : nonEmptyString(settings.jwt_issuer, 'jwt_issuer');
  let jwtBasePath: string | undefined;
  if (settings.jwt_base_path !== undefined) {
    jwtBasePath = nonEmptyString(settings.jwt_base_path, 'jwt_base_path');
    if (!jwtBasePath.startsWith('/'))
      throw new Error('jwt_base_path must start with /');
    jwtBasePath = jwtBasePath.replace(/\/+$/, '');
  }
  let jwtMaxTokenAgeSeconds = DEFAULT_JWT_MAX_TOKEN_AGE_SECONDS;
  if (settings.jwt_max_token_age_seconds !== undefined) {
    const age = settings.jwt_max_token_age_seconds;
    if (
      typeof age !== 'number' ||
      !Number.isInteger(age) ||
      age < 30 ||
      age > 3600
    ) {
      throw new Error(
        'jwt_max_token_age_seconds must be an integer from 30 to 3600',
      );
    }
    jwtMaxTokenAgeSeconds = age;
  }
  const inboundCreate = inboundCreateEnabled(settings);
  return {
    projectKey,
    issueType,
    priorityBySeverity,
    statusesByPlatform,
    inboundCreate,
    jwtIssuer,
    jwtBasePath,
    jwtMaxTokenAgeSeconds,
  };
}
