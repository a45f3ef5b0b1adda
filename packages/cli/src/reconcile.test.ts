import { startBackend, type RunningBackend } from './__testUtils__/testBackend';
import { eventually, Hub } from './__testUtils__/hub';

jest.setTimeout(60_000);

describe('im integration reconcile (real binary against a running backend)', () => {
  let backend: RunningBackend;
  let hub: Hub;
  let drifted: { incidentId: string; ticketId: string };

  beforeAll(async () => {
    backend = await startBackend();
    hub = new Hub(backend);
    await hub.client.createIntegration({
      name: 'Drifty',
      integration_type: 'test',
      organization_id: 'acme-corp',
      base_url: backend.vendor.baseUrl,
      credentials: { token: backend.vendor.token },
    });
    await hub.incidentWithTicket('Drifty', 'In sync');
    const { incident, ticketId } = await hub.incidentWithTicket(
      'Drifty',
      'Payments down',
    );
    // Someone edits the ticket at the vendor and the webhook is lost: drift on a platform-owned field.
    const ticket = backend.vendor.tickets.get(ticketId)!;
    ticket.title = 'Edited behind our back';
    ticket.updated_at = new Date().toISOString();
    drifted = { incidentId: incident.id, ticketId };
  });
  afterAll(() => backend?.stop());

  it('--dry-run reports drift without changing anything', async () => {
    const table = await hub.im(
      'integration',
      'reconcile',
      'Drifty',
      '--dry-run',
    );
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/│ mode\s+│ dry run\s+│/);
    expect(table.stdout).toMatch(/│ checked\s+│ 2\s+│/);
    expect(table.stdout).toMatch(
      /│ field_mismatch │ .*│ title\s+│ Payments down\s+│ Edited behind our back/,
    );
    expect(backend.vendor.tickets.get(drifted.ticketId)!.title).toBe(
      'Edited behind our back',
    );
  });

  it('--dry-run --format json is the run as the API returns it', async () => {
    const run = await hub.imJson(
      'integration',
      'reconcile',
      'Drifty',
      '--dry-run',
    );
    expect(run).toMatchObject({
      dry_run: true,
      auto_heal: false,
      status: 'succeeded',
      checked: 2,
      discrepancies_found: 1,
      healed: 0,
    });
    expect(run.discrepancies).toEqual([
      expect.objectContaining({
        kind: 'field_mismatch',
        incident_id: drifted.incidentId,
        field: 'title',
        platform_value: 'Payments down',
        external_value: 'Edited behind our back',
      }),
    ]);
  });

  it('streams progress to a progress bar on stderr while stdout stays JSON', async () => {
    const result = await hub.im(
      'integration',
      'reconcile',
      'Drifty',
      '--progress',
      '--format',
      'json',
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/reconciling \[.*\] 2\/2 incidents/);
    expect(JSON.parse(result.stdout)).toMatchObject({
      checked: 2,
      dry_run: true,
    });
  });

  it('--auto-heal repairs drift in the direction ownership says', async () => {
    const run = await hub.imJson(
      'integration',
      'reconcile',
      'Drifty',
      '--auto-heal',
    );
    expect(run).toMatchObject({
      dry_run: false,
      auto_heal: true,
      status: 'succeeded',
      discrepancies_found: 1,
      healed: 1,
    });
    await eventually(
      () =>
        backend.vendor.tickets.get(drifted.ticketId)!.title === 'Payments down',
      'the heal to reach the vendor',
    );
    const after = await hub.imJson(
      'integration',
      'reconcile',
      'Drifty',
      '--dry-run',
    );
    expect(after.discrepancies_found).toBe(0);
  });

  it('reconcile history lists the runs, newest first', async () => {
    const runs = await hub.imJson(
      'integration',
      'reconcile',
      'history',
      'Drifty',
    );
    // Three dry runs, the heal, and the dry run that checked the heal.
    expect(runs.map((r: any) => r.auto_heal)).toEqual([
      false,
      true,
      false,
      false,
      false,
    ]);
    expect(runs.map((r: any) => r.discrepancies_found)).toEqual([
      0, 1, 1, 1, 1,
    ]);
    const table = await hub.im('integration', 'reconcile', 'history', 'Drifty');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /│ auto-heal\s+│ succeeded\s+│ 2\s+│ 1\s+│ 1\s+│/,
    );
  });

  it('reconcile of an unknown integration is a clear 404', async () => {
    const result = await hub.im(
      'integration',
      'reconcile',
      'nowhere',
      '--dry-run',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^im: Not found \(404\)/);
  });
});
