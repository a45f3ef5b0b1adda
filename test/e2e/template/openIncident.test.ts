import {
  backendUrlDiscovery,
  fetchWithBearerToken,
  ItsmSyncClient,
  type IncidentResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { eventually } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';

/*
 * Runs the demo software template (examples/templates/open-incident.yaml) through the
 * scaffolder's REST API as the demo's signed-in guest, against the backend `npm start`
 * started, and checks the incident and its ServiceNow ticket exist.
 */
const BACKEND_URL = process.env.PORTAL_BACKEND_URL ?? 'http://localhost:7007';
const TEMPLATE = 'template:default/open-incident';

/** A user token as the portal's guest sign-in gets it. */
async function guestToken(): Promise<string> {
  const res = await fetch(`${BACKEND_URL}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  expect(res.status).toBe(200);
  const body = await res.json();
  return body.backstageIdentity.token as string;
}

async function call(token: string, path: string, init: RequestInit = {}) {
  const res = await fetch(`${BACKEND_URL}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

it('opens an incident for a component with the demo template', async () => {
  const token = await guestToken();
  // The catalog reads the template's location shortly after start.
  await eventually(
    async () =>
      (
        await call(
          token,
          '/api/catalog/entities/by-name/template/default/open-incident',
        )
      ).status === 200,
    'the template in the catalog',
    60_000,
    500,
  );
  const title = `Checkout errors after deploy ${Date.now()}`;
  const created = await call(token, '/api/scaffolder/v2/tasks', {
    method: 'POST',
    body: JSON.stringify({
      templateRef: TEMPLATE,
      values: {
        component: 'component:default/checkout',
        title,
        severity: 'SEV-3',
        description: 'Opened by the demo template test',
        integrations: ['demo-servicenow'],
      },
    }),
  });
  expect(created.status).toBe(201);
  const taskId = created.body.id as string;
  console.log(`scaffolder task ${taskId} started`);

  const task = await eventually(
    async () => {
      const res = await call(token, `/api/scaffolder/v2/tasks/${taskId}`);
      return ['completed', 'failed', 'cancelled'].includes(res.body?.status)
        ? res.body
        : undefined;
    },
    'the scaffolder task to finish',
    120_000,
    500,
  );
  const events = await call(token, `/api/scaffolder/v2/tasks/${taskId}/events`);
  const log = (events.body as Array<{ body: { message?: string } }>)
    .map(e => e.body.message)
    .filter(Boolean);
  console.log(`task ${task.status}:\n  ${log.join('\n  ')}`);
  expect(task.status).toBe('completed');

  const hub = new ItsmSyncClient({
    discoveryApi: backendUrlDiscovery(BACKEND_URL),
    fetchApi: fetchWithBearerToken(() => token),
  });
  const [incident] = (
    await hub.listIncidentsForEntity('component:default/checkout')
  ).filter(i => i.title === title);
  expect(incident).toMatchObject({
    title,
    severity: 'SEV-3',
    entity_ref: 'component:default/checkout',
  });
  expect(log.join('\n')).toContain(`Opened incident ${incident.id}`);
  const withTicket = await eventually<IncidentResponse | undefined>(
    async () => {
      const current = await hub.getIncident(incident.id);
      return current.links.some(l => l.external_id) ? current : undefined;
    },
    'the ServiceNow ticket',
    30_000,
    500,
  );
  console.log(
    `incident ${incident.id} on component:default/checkout, tickets: ${withTicket!.links
      .map(l => `${l.integration_name}=${l.external_id}`)
      .join(', ')}`,
  );
});
