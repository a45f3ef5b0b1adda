import { startBackend, type RunningBackend } from './__testUtils__/testBackend';
import { eventually, Hub } from './__testUtils__/hub';

jest.setTimeout(60_000);

const WEBHOOK_SECRET = 'whsec-trace-test-0123456789';

describe('im incident trace and im integration preview (real binary against a running backend)', () => {
  let backend: RunningBackend;
  let hub: Hub;
  let integrationId: string;

  beforeAll(async () => {
    backend = await startBackend();
    hub = new Hub(backend);
    const created = await hub.client.createIntegration({
      name: 'Trace Desk',
      integration_type: 'test',
      organization_id: 'acme-corp',
      base_url: backend.vendor.baseUrl,
      credentials: { token: backend.vendor.token },
      webhook_secrets: [WEBHOOK_SECRET],
    });
    integrationId = created.id;
  });
  afterAll(() => backend?.stop());

  it('shows the same trace as the API: the delivery, and a vendor change with a field skipped by ownership', async () => {
    const { incident, ticketId } = await hub.incidentWithTicket('Trace Desk');
    await hub.deliverWebhook(
      integrationId,
      backend.vendor.vendorEdit(
        ticketId,
        { status: 'mitigated', title: 'Renamed at the vendor' },
        WEBHOOK_SECRET,
      ),
    );
    const api = await eventually(async () => {
      const items = await hub.client.getIncidentTrace(incident.id);
      return items.some(e => e.direction === 'inbound') &&
        items.some(e => e.kind === 'delivered')
        ? items
        : undefined;
    }, 'the delivery and the vendor change traced');

    expect(await hub.imJson('incident', 'trace', incident.id)).toEqual(api);

    const table = await hub.im('incident', 'trace', incident.id);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('status applied');
    expect(table.stdout).toContain(
      'title skipped (owner): the platform owns this field',
    );
    expect(table.stdout).toContain('createTicket');

    const oneLink = await hub.imJson(
      'incident',
      'trace',
      incident.id,
      '--link',
      'Trace Desk',
    );
    expect(oneLink).toEqual(api);
  });

  it('names an unknown incident or link and exits non-zero', async () => {
    const missing = await hub.im('incident', 'trace', 'no-such-incident');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no-such-incident/);

    const { incident } = await hub.incidentWithTicket('Trace Desk', 'Other');
    const badLink = await hub.im(
      'incident',
      'trace',
      incident.id,
      '--link',
      'No Such Desk',
    );
    expect(badLink.code).not.toBe(0);
    expect(badLink.stderr).toMatch(/No Such Desk/);
  });

  it('im integration preview shows the same test run as the API and writes nothing', async () => {
    const { incident, ticketId } = await hub.incidentWithTicket(
      'Trace Desk',
      'Preview me',
    );
    Object.assign(backend.vendor.tickets.get(ticketId)!, {
      title: 'Renamed at the vendor, no webhook',
    });
    const writes = backend.vendor.writes.length;
    const api = await hub.client.previewIntegration('Trace Desk', {
      incidents: [incident.id],
      field_ownership: [{ field: 'title', owner: 'external', priority: 20 }],
    });
    const cli = await hub.imJson(
      'integration',
      'preview',
      'Trace Desk',
      '--incident',
      incident.id,
      '--owner',
      'title=external:20',
    );
    expect(cli).toEqual(api);
    const title = api.items[0].fields.find(f => f.field === 'title')!;
    expect(title.inbound).toMatchObject({
      now: 'Preview me',
      draft: 'Renamed at the vendor, no webhook',
    });

    const table = await hub.im(
      'integration',
      'preview',
      'Trace Desk',
      '--incident',
      incident.id,
      '--owner',
      'title=external:20',
    );
    expect(table.stdout).toContain(
      'Preview me → Renamed at the vendor, no webhook',
    );
    expect(table.stdout).toContain('kept: owner');
    expect(backend.vendor.writes.length).toBe(writes);
    expect((await hub.client.getIncident(incident.id)).title).toBe(
      'Preview me',
    );

    const bad = await hub.im(
      'integration',
      'preview',
      'Trace Desk',
      '--incident',
      incident.id,
      '--owner',
      'title=nobody',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--owner 'title=nobody'/);
  });
});
