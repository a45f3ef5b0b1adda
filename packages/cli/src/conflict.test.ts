import { startBackend, type RunningBackend } from './__testUtils__/testBackend';
import { Hub } from './__testUtils__/hub';

jest.setTimeout(60_000);

const WEBHOOK_SECRET = 'whsec-conflict-test-0123456789';

describe('im conflict (real binary against a running backend)', () => {
  let backend: RunningBackend;
  let hub: Hub;
  let integrationId: string;

  beforeAll(async () => {
    backend = await startBackend();
    hub = new Hub(backend);
    const created = await hub.client.createIntegration({
      name: 'Review Desk',
      integration_type: 'test',
      organization_id: 'acme-corp',
      base_url: backend.vendor.baseUrl,
      credentials: { token: backend.vendor.token },
      webhook_secrets: [WEBHOOK_SECRET],
    });
    integrationId = created.id;
    await hub.imJson(
      'integration',
      'configure',
      'Review Desk',
      '--conflict-strategy',
      'manual-review',
    );
  });
  afterAll(() => backend?.stop());

  /** Both sides change status within the conflict window: a pending conflict. */
  async function makeConflict(title: string) {
    const { incident, ticketId } = await hub.incidentWithTicket(
      'Review Desk',
      title,
    );
    await hub.client.updateIncident(incident.id, { status: 'mitigated' });
    await hub.deliverWebhook(
      integrationId,
      backend.vendor.vendorEdit(
        ticketId,
        { status: 'resolved' },
        WEBHOOK_SECRET,
      ),
    );
    const pending = await hub.imJson(
      'conflict',
      'list',
      '--status',
      'pending',
      '--integration',
      'Review Desk',
    );
    const conflict = pending.find((c: any) => c.incident_id === incident.id);
    expect(conflict).toMatchObject({
      field: 'status',
      platform_value: 'mitigated',
      external_value: 'resolved',
    });
    return { conflict, incident, ticketId };
  }

  it('list, show and resolve --use-platform', async () => {
    const { conflict, incident } = await makeConflict('Checkout latency');
    const table = await hub.im(
      'conflict',
      'list',
      '--integration',
      'Review Desk',
    );
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(
        `│ ${conflict.id}\\s+│.*│ status\\s+│ mitigated\\s+│ resolved\\s+│ pending`,
      ),
    );

    const shown = await hub.im('conflict', 'show', conflict.id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/│ platform value\s+│ mitigated\s+│/);
    expect(shown.stdout).toMatch(/│ external value\s+│ resolved\s+│/);
    expect(shown.stdout).toContain('Review Desk');
    expect(shown.stdout).toContain(incident.id);
    const shownJson = await hub.imJson('conflict', 'show', conflict.id);
    expect(shownJson).toEqual(await hub.client.getConflict(conflict.id));

    const resolved = await hub.im(
      'conflict',
      'resolve',
      conflict.id,
      '--use-platform',
    );
    expect(resolved).toMatchObject({
      code: 0,
      stdout: `Resolved conflict ${conflict.id} on field 'status' with use-platform\n`,
    });
    expect((await hub.client.getConflict(conflict.id)).status).toBe('resolved');

    const twice = await hub.im('conflict', 'resolve', conflict.id, '--ignore');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/^im: Request rejected \(409\)/);
  });

  it.each([
    ['--use-external', 'use-external', 'resolved'],
    ['--ignore', 'ignore', 'mitigated'],
  ])(
    'resolve %s settles the conflict',
    async (flag, resolution, platformStatus) => {
      const { conflict, incident } = await makeConflict(`Conflict for ${flag}`);
      const resolved = await hub.imJson(
        'conflict',
        'resolve',
        conflict.id,
        flag,
      );
      expect(resolved).toMatchObject({
        id: conflict.id,
        status: 'resolved',
        resolution,
      });
      expect((await hub.client.getIncident(incident.id)).status).toBe(
        platformStatus,
      );
      const stillPending = await hub.imJson(
        'conflict',
        'list',
        '--status',
        'pending',
      );
      expect(stillPending.map((c: any) => c.id)).not.toContain(conflict.id);
    },
  );

  it('resolve needs exactly one choice (usage error, exit 2)', async () => {
    const none = await hub.im('conflict', 'resolve', 'c-1');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /exactly one of --use-platform, --use-external or --ignore/,
    );
    const two = await hub.im(
      'conflict',
      'resolve',
      'c-1',
      '--use-platform',
      '--use-external',
    );
    expect(two.code).toBe(2);
  });

  it('show of an unknown conflict is a clear 404', async () => {
    const missing = await hub.im(
      'conflict',
      'show',
      '00000000-0000-0000-0000-000000000000',
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^im: Not found \(404\)/);
  });
});
