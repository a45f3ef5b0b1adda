/*
 * The demo's notifications, against the backend `npm start` started: the conflict the demo
 * plants on checkout (owned by group:default/sre) reaches the guest, a member of sre, as one
 * Backstage notification linking to the conflicts page.
 */
import { eventually } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';

const BACKEND_URL = process.env.PORTAL_BACKEND_URL ?? 'http://localhost:7007';

interface NotificationItem {
  payload: { title: string; link: string; severity: string; scope: string };
}

it('tells the guest about the conflict the demo plants', async () => {
  const refresh = await fetch(`${BACKEND_URL}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  const token = (await refresh.json()).backstageIdentity.token as string;
  const conflicts = await eventually(
    async () => {
      const res = await fetch(
        `${BACKEND_URL}/api/notifications/notifications`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      const body = (await res.json()) as { notifications: NotificationItem[] };
      const found = body.notifications.filter(n =>
        n.payload.scope.startsWith('itsm-sync:conflict:'),
      );
      return found.length ? found : undefined;
    },
    'a conflict notification for the guest',
    60_000,
    1000,
  );
  console.log(
    `guest notifications: ${conflicts
      .map(
        n => `[${n.payload.severity}] ${n.payload.title} -> ${n.payload.link}`,
      )
      .join('; ')}`,
  );
  expect(conflicts).toHaveLength(1);
  expect(conflicts[0].payload).toMatchObject({
    severity: 'high',
    link: '/itsm-sync/conflicts',
  });
});
