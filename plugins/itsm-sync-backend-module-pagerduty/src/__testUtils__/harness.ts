import { randomUUID } from 'node:crypto';
import type { ConformanceHarness } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import type {
  ConnectorIntegration,
  PlatformIncidentFields,
  WebhookRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { PagerDutySimulator } from '@itsm-sync-hub/simulators';

/** A person's action in PagerDuty that brings an incident to `status`; resolved and closed are one PagerDuty status. */
function moveToStatus(
  sim: PagerDutySimulator,
  externalId: string,
  status: PlatformIncidentFields['status'],
) {
  if (status === 'mitigated') return sim.acknowledge(externalId);
  if (status === 'open') return sim.reopen(externalId);
  return sim.resolve(externalId);
}

/** Starts a PagerDuty simulator and an integration pointing at it, for connector tests. */
export async function startPagerDutyHarness(
  options: {
    settings?: Record<string, unknown>;
    secrets?: string[];
    pageSize?: number;
  } = {},
): Promise<ConformanceHarness & { sim: PagerDutySimulator }> {
  const pageSize = options.pageSize ?? 4;
  // A generous budget: the rate limit itself is tested on its own.
  const sim = await PagerDutySimulator.start({
    maxPageSize: pageSize,
    rateLimitPerMinute: 10_000,
  });
  const secrets = options.secrets ?? ['pd-signing-secret-current'];
  sim.setWebhookTarget({ secrets });
  const integration: ConnectorIntegration = {
    id: randomUUID(),
    name: 'pd-conformance',
    organizationId: 'acme-corp',
    baseUrl: sim.baseUrl,
    credentials: { ...sim.credentials },
    webhookSecrets: secrets,
    settings: {
      from_email: 'alice@example.com',
      default_service_id: 'PSVC001',
      ...options.settings,
    },
  };
  const toRequest = (w: {
    rawBody: Buffer;
    headers: Record<string, string>;
    method: string;
    url: string;
  }): WebhookRequest => ({
    rawBody: w.rawBody,
    headers: w.headers,
    method: w.method,
    url: w.url,
  });
  return {
    sim,
    integration,
    badCredentialsIntegration: {
      ...integration,
      credentials: { token: 'not-the-token' },
    },
    async vendorEdit(
      externalId: string,
      changes: Partial<PlatformIncidentFields>,
    ) {
      let last: WebhookRequest | undefined;
      if (changes.status)
        last = toRequest(
          (await moveToStatus(sim, externalId, changes.status)).webhook,
        );
      if (changes.severity)
        last = toRequest(
          (
            await sim.changePriority(
              externalId,
              `P${changes.severity.slice(4)}`,
            )
          ).webhook,
        );
      if (changes.assigned_to)
        last = toRequest(
          (await sim.reassign(externalId, changes.assigned_to)).webhook,
        );
      if (changes.escalation_policy) {
        last = toRequest(
          (await sim.delegate(externalId, changes.escalation_policy)).webhook,
        );
      }
      if (!last)
        throw new Error(
          `No PagerDuty action changes ${Object.keys(changes).join(', ')}`,
        );
      return last;
    },
    async vendorNotes(externalId: string) {
      return sim.incident(externalId).notes.map(n => n.content);
    },
    async failNext(status: number, headers?: Record<string, string>) {
      sim.server.failNext({ status, headers });
    },
    pageSize,
    // resolved and closed are one PagerDuty status; severities round-trip through priorities.
    statusAfterRoundTrip: status => (status === 'closed' ? 'resolved' : status),
    severityAfterRoundTrip: severity => severity,
    close: () => sim.stop(),
  };
}
