import { z } from 'zod';
import {
  INCIDENT_STATUSES,
  SEVERITIES,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  hubSettingsShape,
  type ConnectorSettingsDeclaration,
} from '@itsm-sync-hub/plugin-itsm-sync-node';

const jiraNames = z.union([
  z.string().min(1),
  z.array(z.string().min(1)).min(1),
]);

/** The Jira settings (docs/connectors/jira.md#settings); `readSettings` reads them. */
export const jiraSettings: ConnectorSettingsDeclaration = {
  schema: z.looseObject({
    project_key: z
      .string()
      .regex(
        /^[A-Z][A-Z0-9_]{0,254}$/,
        'must be an upper-case Jira project key such as OPS',
      )
      .meta({
        title: 'Project key',
        description:
          'Upper-case key of the project issues are created in and listed from, e.g. OPS',
      }),
    issue_type: z.string().min(1).optional().meta({
      title: 'Issue type',
      description: 'Issue type of created issues',
      default: 'Incident',
    }),
    priority_scheme: z.enum(['default', 'classic']).optional().meta({
      title: 'Priority scheme',
      description:
        'default (Highest..Lowest) or classic (Blocker..Trivial): the priority names severities map to',
      default: 'default',
    }),
    priority_map: z
      .partialRecord(z.enum(SEVERITIES), z.string().min(1))
      .optional()
      .meta({
        title: 'Priority map',
        description:
          'Severity to Jira priority name, overriding the scheme, e.g. {"SEV-1": "P1"}',
      }),
    status_map: z
      .partialRecord(z.enum(INCIDENT_STATUSES), jiraNames)
      .optional()
      .meta({
        title: 'Status map',
        description:
          'Platform status to Jira status names; the first is the one issues are moved to',
      }),
    jwt_issuer: z.string().min(1).optional().meta({
      title: 'Connect JWT issuer',
      description:
        "The Connect app clientKey a webhook JWT's iss must equal; JWTs are refused without it",
    }),
    jwt_base_path: z.string().startsWith('/').optional().meta({
      title: 'Connect base path',
      description:
        "Path prefix covered by the Connect app's base URL, left out of the qsh",
    }),
    jwt_max_token_age_seconds: z
      .number()
      .int()
      .min(30)
      .max(3600)
      .optional()
      .meta({
        title: 'JWT maximum age (seconds)',
        description: 'The oldest a webhook JWT may be, by its iat',
        default: 300,
      }),
    ...hubSettingsShape,
  }),
};
