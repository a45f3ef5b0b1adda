import { eventually } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import type {
  PagerDutySimulator,
  ServiceNowSimulator,
} from '@itsm-sync-hub/simulators';
import {
  startPagerDutyServiceNowHub,
  type PagerDutyServiceNowHub,
} from './__testUtils__/pagerDutyServiceNowHub';

jest.setTimeout(60_000);

describe('PagerDuty to ServiceNow fan-out on the in-process backend', () => {
  let hub: PagerDutyServiceNowHub;
  let pd: PagerDutySimulator;
  let snow: ServiceNowSimulator;
  let pdIntegration: { id: string; name: string };
  let snowIntegration: { id: string; name: string };
  const api: PagerDutyServiceNowHub['api'] = (...args) => hub.api(...args);

  /** Hub writes to a PagerDuty incident (REST API, not the simulator's admin routes). */
  const hubWritesTo = (pdId: string) =>
    pd.server.calls.filter(
      c =>
        c.method !== 'GET' &&
        !c.path.startsWith('/__admin') &&
        c.path.includes(`/incidents/${pdId}`),
    );

  beforeAll(async () => {
    hub = await startPagerDutyServiceNowHub({ name: 'Fan-out' });
    ({ pd, snow, pdIntegration, snowIntegration } = hub);
  });

  afterAll(async () => {
    await hub?.stop();
  });

  it('an acknowledge in PagerDuty marks the platform incident mitigated and puts the linked ServiceNow ticket On Hold', async () => {
    const created = await api('POST', '/v1/incidents', {
      title: 'Checkout errors across regions',
      severity: 'SEV-2',
      integrations: [pdIntegration.name, snowIntegration.name],
    });
    expect(created.status).toBe(201);
    const incidentId = created.body.id as string;

    const links = await eventually(async () => {
      const view = await api('GET', `/v1/incidents/${incidentId}`);
      const byIntegration = new Map<string, string>(
        (
          (view.body.links ?? []) as Array<{
            integration_id: string;
            external_id?: string | null;
          }>
        )
          .filter(l => l.external_id)
          .map(l => [l.integration_id, l.external_id!]),
      );
      const pdId = byIntegration.get(pdIntegration.id);
      const sysId = byIntegration.get(snowIntegration.id);
      return pdId && sysId ? { pdId, sysId } : undefined;
    });
    expect(pd.incident(links.pdId).status).toBe('triggered');
    expect(snow.incident(links.sysId)?.state).toBe('1');

    // Writes from here on are caused by the acknowledge or the edit below.
    const writesBefore = hubWritesTo(links.pdId).length;

    const action = await pd.acknowledge(links.pdId, 'PUSR002');
    expect(action.delivery).toBeGreaterThanOrEqual(200);
    expect(action.delivery).toBeLessThan(300);

    await eventually(
      async () =>
        (await api('GET', `/v1/incidents/${incidentId}`)).body.status ===
        'mitigated',
    );
    await eventually(async () => snow.incident(links.sysId)?.state === '3');

    // The change came from PagerDuty: the hub must not write it back there. A later platform
    // edit is a barrier: once it reaches PagerDuty, any write caused by the acknowledge (queued
    // before it) would have gone out too, so the only write since then must be the edit.
    expect(
      (
        await api('PATCH', `/v1/incidents/${incidentId}`, {
          title: 'Checkout errors in eu-west',
        })
      ).status,
    ).toBe(200);
    await eventually(
      async () =>
        pd.incident(links.pdId).title === 'Checkout errors in eu-west',
    );
    const writesSinceAck = hubWritesTo(links.pdId).slice(writesBefore);
    expect(writesSinceAck).toHaveLength(1);
    expect(writesSinceAck[0]).toMatchObject({
      method: 'PUT',
      body: { incident: { title: 'Checkout errors in eu-west' } },
    });
    expect(JSON.stringify(writesSinceAck[0].body)).not.toContain('status');
    expect(pd.incident(links.pdId).status).toBe('acknowledged');
  });
});
