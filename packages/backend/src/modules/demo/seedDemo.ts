import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  CreateIntegrationRequest,
  IncidentResponse,
  IntegrationResponse,
  ItsmSyncApi,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { DemoSimulators } from './demoSimulators';

const ENTITY = 'component:default/checkout';
const DEMO_NAMES = {
  snow: 'demo-servicenow',
  jira: 'demo-jira',
  pd: 'demo-pagerduty',
};

/** The demo's integrations are the SRE team's: they are told when one fails (docs/sync-semantics.md#notifications). */
const DEMO_NOTIFICATIONS = { owner: 'group:default/sre' };

/** Creates the demo integration `name`, or refreshes what its simulator hands out anew on each start (webhook secrets). */
async function ensureIntegration(
  api: ItsmSyncApi,
  existing: IntegrationResponse[],
  body: CreateIntegrationRequest,
): Promise<IntegrationResponse> {
  const found = existing.find(i => i.name === body.name);
  if (!found) return api.createIntegration(body);
  const { base_url, credentials, webhook_secrets, settings } = body;
  return api.updateIntegration(found.id, {
    base_url,
    credentials,
    webhook_secrets,
    settings,
  });
}

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`demo: timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

/**
 * Seeds the demo: three integrations against the simulators, incidents on the checkout
 * component that are already in sync, and one conflict queued for review. On a restart
 * over a kept database (and simulators that kept their tickets) the integrations exist:
 * they are refreshed, and nothing is seeded twice.
 */
export async function seedDemo(options: {
  api: ItsmSyncApi;
  sims: DemoSimulators;
  webhookBaseUrl: string;
  logger: LoggerService;
}) {
  const { api, sims, logger } = options;
  const existing = await api.listIntegrations();
  const common = {
    organization_id: 'acme-corp',
    sync_direction: 'bidirectional',
    enabled: true,
  } as const;

  const names = Object.values(DEMO_NAMES);
  const restarted = names.every(name => existing.some(i => i.name === name));
  const snow = await ensureIntegration(api, existing, {
    ...common,
    integration_type: 'servicenow',
    name: DEMO_NAMES.snow,
    base_url: sims.servicenow.baseUrl,
    credentials: {
      username: sims.servicenow.credentials.username,
      password: sims.servicenow.credentials.password,
    },
    webhook_secrets: [sims.secrets.servicenow],
    settings: { notifications: DEMO_NOTIFICATIONS },
  });
  const jira = await ensureIntegration(api, existing, {
    ...common,
    integration_type: 'jira',
    name: DEMO_NAMES.jira,
    base_url: sims.jira.baseUrl,
    credentials: {
      email: sims.jira.credentials.email,
      api_token: sims.jira.credentials.api_token,
    },
    webhook_secrets: [sims.secrets.jira],
    conflict_strategy: 'manual-review',
    settings: { project_key: 'OPS', notifications: DEMO_NOTIFICATIONS },
  });
  const pd = await ensureIntegration(api, existing, {
    ...common,
    integration_type: 'pagerduty',
    name: DEMO_NAMES.pd,
    base_url: sims.pagerduty.baseUrl,
    credentials: { token: sims.pagerduty.credentials.token },
    webhook_secrets: [sims.secrets.pagerduty],
    settings: {
      from_email: 'alice@example.com',
      default_service_id: 'PSVC001',
      sync_escalations: true,
      notifications: DEMO_NOTIFICATIONS,
    },
  });

  const hook = (i: IntegrationResponse) =>
    `${options.webhookBaseUrl}/v1/webhooks/${i.id}`;
  sims.servicenow.setWebhookTarget({
    url: hook(snow),
    secret: sims.secrets.servicenow,
  });
  sims.jira.setWebhookTarget({
    url: hook(jira),
    secret: sims.secrets.jira,
    scheme: 'hmac',
  });
  sims.pagerduty.setWebhookTarget({
    url: hook(pd),
    secret: sims.secrets.pagerduty,
  });

  if (restarted) {
    logger.info(
      'demo: ready. The demo integrations and their incidents were kept from the last run.',
    );
    return { integrations: { snow, jira, pd }, incidents: [] };
  }

  const latency = await api.createIncident({
    title: 'Checkout p99 latency above 2 s',
    description:
      'p99 of POST /checkout above 2 s since 09:02 UTC; error rate normal.',
    severity: 'SEV-2',
    entity_ref: ENTITY,
    integrations: names,
  });
  const retries = await api.createIncident({
    title: 'Card payments retried for Visa',
    description: 'Retries of Visa authorisations at 8% (normal: 0.5%).',
    severity: 'SEV-3',
    entity_ref: ENTITY,
    integrations: [snow.name, jira.name],
  });

  // Wait until every ticket exists, so the demo starts in sync.
  const linked = async (id: string) => {
    const incident = await api.getIncident(id);
    return incident.links.every(l => l.external_id) ? incident : undefined;
  };
  const linkOf = (
    incident: IncidentResponse,
    integration: IntegrationResponse,
  ) => {
    const link = incident.links.find(l => l.integration_id === integration.id);
    if (!link)
      throw new Error(
        `demo: incident ${incident.id} has no link to ${integration.name}`,
      );
    return link;
  };
  const latencyView = await waitFor('the demo tickets', () =>
    linked(latency.id),
  );
  const retriesView = await waitFor('the demo tickets', () =>
    linked(retries.id),
  );

  // Plant a conflict for the conflicts page: both sides retitle the incident within
  // seconds, and demo-jira settles conflicts by manual review.
  const jiraKey = linkOf(retriesView, jira).external_key!;
  await api.updateIncident(retries.id, {
    title: 'Card payments retried for Visa and Mastercard',
  });
  await sims.jira.editAsPerson(jiraKey, {
    summary: 'Visa authorisation retries (issuer timeouts)',
  });

  const pdId = linkOf(latencyView, pd).external_id;
  const snowId = linkOf(latencyView, snow).external_id;
  logger.info(
    [
      'demo: ready. Try a change at a vendor, as a person there would:',
      `  curl -X POST localhost:${new URL(sims.pagerduty.baseUrl).port}/__admin/incidents/${pdId}/acknowledge   # PagerDuty acknowledges -> platform mitigated -> ServiceNow and Jira follow`,
      `  curl -X POST localhost:${new URL(sims.servicenow.baseUrl).port}/__admin/servicenow/incidents/${snowId}/edit -H 'content-type: application/json' -d '{"changes":{"assigned_to":"david.loo"}}'`,
      `  curl -X POST localhost:${new URL(sims.jira.baseUrl).port}/__admin/issues/${jiraKey}/comment -H 'content-type: application/json' -d '{"text":"Customer confirmed recovery"}'`,
    ].join('\n'),
  );
  return {
    integrations: { snow, jira, pd },
    incidents: [latency.id, retries.id],
  };
}
