import { randomUUID } from 'node:crypto';
import type { ConformanceHarness } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import type { PlatformIncidentFields } from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  JiraSimulator,
  type JiraWebhookScheme,
} from '@itsm-sync-hub/simulators';

const WEBHOOK_SECRET = 'jira-admin-webhook-secret-1';

const STATUS_NAMES: Record<PlatformIncidentFields['status'], string> = {
  open: 'To Do',
  mitigated: 'Mitigated',
  resolved: 'Resolved',
  closed: 'Closed',
};
const PRIORITY_NAMES: Record<PlatformIncidentFields['severity'], string> = {
  'SEV-1': 'Highest',
  'SEV-2': 'High',
  'SEV-3': 'Medium',
  'SEV-4': 'Low',
};

/** An integration pointing at a Jira simulator, in the shape the core hands connectors. */
export function jiraIntegration(
  sim: JiraSimulator,
  overrides: { settings?: Record<string, unknown>; secrets?: string[] } = {},
) {
  return {
    id: randomUUID(),
    name: 'jira-conformance',
    organizationId: 'acme-corp',
    baseUrl: sim.baseUrl,
    credentials: { ...sim.credentials },
    webhookSecrets: overrides.secrets ?? [WEBHOOK_SECRET],
    settings: {
      project_key: 'OPS',
      issue_type: 'Incident',
      jwt_issuer: sim.issuer,
      ...overrides.settings,
    },
  };
}

/** The conformance harness over a Jira simulator whose webhooks use `scheme`. */
export async function startJiraHarness(
  scheme: JiraWebhookScheme = 'hmac',
): Promise<ConformanceHarness & { sim: JiraSimulator }> {
  const sim = await JiraSimulator.start({
    maxPageSize: 3,
    webhook: { secret: WEBHOOK_SECRET, scheme },
  });
  const integration = jiraIntegration(sim);
  return {
    sim,
    integration,
    badCredentialsIntegration: {
      ...integration,
      credentials: { email: sim.credentials.email, api_token: 'wrong-token' },
    },
    async vendorEdit(externalId, changes) {
      // A person's edit in Jira terms; a status change clicks through the workflow.
      const webhook = changes.status
        ? await sim.transitionAsPerson(externalId, STATUS_NAMES[changes.status])
        : await sim.editAsPerson(externalId, {
            summary: changes.title,
            description: changes.description,
            priority: changes.severity
              ? PRIORITY_NAMES[changes.severity]
              : undefined,
            assignee: changes.assigned_to,
          });
      if (!webhook)
        throw new Error(`the edit of ${externalId} changed nothing`);
      return webhook;
    },
    vendorNotes: async externalId => sim.commentTexts(externalId),
    failNext: async (status, headers) =>
      sim.server.failNext({ status, headers }),
    pageSize: 3,
    close: () => sim.stop(),
  };
}
