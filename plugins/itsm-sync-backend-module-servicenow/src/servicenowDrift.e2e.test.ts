import type { ServiceNowSimulator } from '@itsm-sync-hub/simulators';
import {
  eventually,
  startServiceNowHub,
  type ServiceNowHub,
} from './__testUtils__/serviceNowHub';

jest.setTimeout(60_000);

const SECRET = 'snow-drift-business-rule-secret';

/**
 * Issue 4: "a forced drift is found by reconcile". A ticket changed in ServiceNow
 * whose webhook never arrived (a missed webhook) is found by a dry run and put right,
 * field by field in the owner's direction, by an auto-heal run.
 */
describe('ServiceNow drift reconcile end to end on the in-process backend', () => {
  let hub: ServiceNowHub;
  let sim: ServiceNowSimulator;
  let integration: { id: string; name: string };
  const api: ServiceNowHub['api'] = (...args) => hub.api(...args);
  const incident = (id: string) => hub.incident(id);
  const reconcile = async (body: Record<string, boolean>) => {
    const res = await api(
      'POST',
      `/v1/integrations/${integration.id}/reconcile`,
      body,
    );
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    hub = await startServiceNowHub({
      integrationName: 'Drift ServiceNow',
      secret: SECRET,
    });
    ({ sim, integration } = hub);
  });

  afterAll(async () => {
    await hub?.stop();
  });

  it('finds a missed ServiceNow change with a dry run and heals it in the owner direction', async () => {
    const created = await api('POST', '/v1/incidents', {
      title: 'Search index lag',
      description: 'Indexer 20 minutes behind',
      severity: 'SEV-2',
      integrations: [integration.name],
    });
    expect(created.status).toBe(201);
    const incidentId = created.body.id as string;
    const sysId = await eventually(
      async () =>
        (await incident(incidentId)).links?.[0]?.external_id as
          string | undefined,
    );
    await eventually(
      async () => sim.incident(sysId)?.short_description === 'Search index lag',
    );

    // Straight into the simulator's database: no business rule runs, so no webhook is sent.
    const webhooksBefore = sim.webhooks.length;
    const silent = sim.store.update(
      sysId,
      { short_description: 'Renamed in ServiceNow', assigned_to: 'david.loo' },
      'david.loo',
    );
    expect(silent?.changed).toEqual(
      expect.arrayContaining(['short_description', 'assigned_to']),
    );
    expect(sim.webhooks.length).toBe(webhooksBefore);
    expect((await incident(incidentId)).assigned_to).toBeNull();

    const dry = await reconcile({ dry_run: true });
    expect(dry).toMatchObject({
      integration_id: integration.id,
      dry_run: true,
      auto_heal: false,
      status: 'succeeded',
      healed: 0,
    });
    expect(dry.discrepancies_found).toBe(2);
    const byField = (run: { discrepancies: Array<{ field: string | null }> }) =>
      [...run.discrepancies].sort((a, b) =>
        String(a.field).localeCompare(String(b.field)),
      );
    // The connector reads the reference's display value, so the user appears by name.
    expect(byField(dry)).toEqual([
      {
        kind: 'field_mismatch',
        incident_id: incidentId,
        external_id: sysId,
        field: 'assigned_to',
        platform_value: null,
        external_value: 'David Loo',
        owner: 'external',
        action: 'pull_external',
      },
      {
        kind: 'field_mismatch',
        incident_id: incidentId,
        external_id: sysId,
        field: 'title',
        platform_value: 'Search index lag',
        external_value: 'Renamed in ServiceNow',
        owner: 'platform',
        action: 'push_platform',
      },
    ]);
    // A dry run changes nothing on either side.
    expect(sim.incident(sysId)?.short_description).toBe(
      'Renamed in ServiceNow',
    );
    expect((await incident(incidentId)).assigned_to).toBeNull();

    const heal = await reconcile({ auto_heal: true });
    expect(heal).toMatchObject({
      dry_run: false,
      auto_heal: true,
      status: 'succeeded',
      discrepancies_found: 2,
      healed: 2,
    });

    await eventually(
      async () => sim.incident(sysId)?.short_description === 'Search index lag',
    );
    const healed = await eventually(async () => {
      const view = await incident(incidentId);
      return view.assigned_to === 'David Loo' ? view : undefined;
    });
    expect(healed.title).toBe('Search index lag');
    // The pulled assignee stays in ServiceNow as David Loo (no echo rewrote it).
    expect(sim.store.userName(sim.incident(sysId)!.assigned_to)).toBe(
      'David Loo',
    );

    const after = await reconcile({ dry_run: true });
    expect(after).toMatchObject({
      status: 'succeeded',
      discrepancies_found: 0,
      discrepancies: [],
    });
  });
});
