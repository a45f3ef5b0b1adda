import {
  eventually as pollUntil,
  type EventualCheck,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import type { WebhookRequest } from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  backendUrlDiscovery,
  fetchWithBearerToken,
  ItsmSyncClient,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { IM_TOKEN, type RunningBackend } from './testBackend';
import { runIm, type ImResult } from './runIm';

/** Polls until `check` gives a truthy value, with short waits. */
export const eventually = <T>(
  check: EventualCheck<T>,
  what: string,
  timeoutMs = 8000,
) => pollUntil(check, what, timeoutMs);

/**
 * Test set-up through the REST API directly (things `im` has no command for, such as
 * platform incidents and vendor webhooks), and `im` bound to the running backend.
 */
export class Hub {
  /** The hub's REST client, with the token `im` gets. */
  readonly client: ItsmSyncClient;

  constructor(readonly backend: Pick<RunningBackend, 'url'>) {
    this.client = new ItsmSyncClient({
      discoveryApi: backendUrlDiscovery(backend.url),
      fetchApi: fetchWithBearerToken(() => IM_TOKEN),
    });
  }

  /** `im` with the backend's URL and the right token in the environment. */
  im(...args: string[]): Promise<ImResult> {
    return runIm(args, { IM_URL: this.backend.url, IM_TOKEN });
  }

  /** `im --format json ...`, parsed; fails the test with im's stderr when it did not succeed. */
  async imJson<T = any>(...args: string[]): Promise<T> {
    const result = await this.im(...args, '--format', 'json');
    if (result.code !== 0)
      throw new Error(
        `im ${args.join(' ')} exited ${result.code}: ${result.stderr}`,
      );
    return JSON.parse(result.stdout) as T;
  }

  /** A platform incident opened in the given integration, once its ticket exists. */
  async incidentWithTicket(integration: string, title = 'Checkout latency') {
    const created = await this.client.createIncident({
      title,
      severity: 'SEV-2',
      integrations: [integration],
    });
    const incident = await eventually(async () => {
      const view = await this.client.getIncident(created.id);
      return view.links[0]?.external_id ? view : undefined;
    }, 'the ticket to be created');
    return { incident, ticketId: incident.links[0].external_id! };
  }

  /** Posts a vendor webhook to the hub as the vendor would (no Backstage token). */
  async deliverWebhook(integrationId: string, webhook: WebhookRequest) {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(webhook.headers))
      if (typeof v === 'string') headers[k] = v;
    const res = await fetch(
      `${this.backend.url}/api/itsm-sync/v1/webhooks/${integrationId}`,
      {
        method: 'POST',
        headers,
        body: webhook.rawBody,
      },
    );
    if (!res.ok)
      throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
  }
}
