import {
  backendUrlDiscovery,
  fetchWithBearerToken,
  ItsmSyncClient,
} from '@itsm-sync-hub/plugin-itsm-sync-common';

/**
 * Talks to the started backend directly, to find demo data and to plant the conflict
 * the browser test resolves. Uses IM_TOKEN (external access) when the environment has it.
 */
export const APP_URL = process.env.PORTAL_APP_URL ?? 'http://localhost:3000';
const BACKEND_URL = process.env.PORTAL_BACKEND_URL ?? 'http://localhost:7007';

/** The hub's REST client, as the CLI uses it. */
export const hub = new ItsmSyncClient({
  discoveryApi: backendUrlDiscovery(BACKEND_URL),
  fetchApi: fetchWithBearerToken(() => process.env.IM_TOKEN),
});

/**
 * Presents a callback token on the webhook's test route, which checks a delivery exactly
 * as a real callback and applies nothing. Answers the HTTP status: 200 accepted, 401 refused.
 */
export async function presentCallbackToken(
  webhookUrl: string,
  token: string,
  body: unknown,
): Promise<number> {
  const response = await fetch(`${webhookUrl}/test`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}
