/**
 * Talks to the started backend directly, to find demo data and to plant the conflict
 * the browser test resolves. Uses IM_TOKEN (external access) when the environment has it.
 */
export const APP_URL = process.env.PORTAL_APP_URL ?? 'http://localhost:3000';
export const BACKEND_URL = process.env.PORTAL_BACKEND_URL ?? 'http://localhost:7007';

export async function backend<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (process.env.IM_TOKEN) headers.Authorization = `Bearer ${process.env.IM_TOKEN}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${BACKEND_URL}/api/itsm-sync${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * Presents a callback token on the webhook's test route, which checks a delivery exactly
 * as a real callback and applies nothing. Answers the HTTP status: 200 accepted, 401 refused.
 */
export async function presentCallbackToken(webhookUrl: string, token: string, body: unknown): Promise<number> {
  const response = await fetch(`${webhookUrl}/test`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}
