import {
  IM_TOKEN,
  startBackend,
  type RunningBackend,
} from './__testUtils__/testBackend';
import { eventually, Hub } from './__testUtils__/hub';
import { runIm } from './__testUtils__/runIm';

jest.setTimeout(60_000);

const WEBHOOK_SECRET = 'whsec-cli-test-0123456789';
const STACK_FRAME = /\n\s+at /;

describe('im integration (real binary against a running backend)', () => {
  let backend: RunningBackend;
  let hub: Hub;
  let integrationId: string;

  beforeAll(async () => {
    backend = await startBackend();
    hub = new Hub(backend);
  });
  afterAll(() => backend?.stop());

  it('configure creates an integration and never prints its credentials', async () => {
    // The vendor token is --token here, so the im token comes from before the subcommand.
    const result = await runIm([
      '--token',
      IM_TOKEN,
      '--url',
      backend.url,
      'integration',
      'configure',
      '--name',
      'Production Test',
      '--type',
      'test',
      '--org',
      'acme-corp',
      '--base-url',
      backend.vendor.baseUrl,
      '--direction',
      'bidirectional',
      '--token',
      backend.vendor.token,
      '--webhook-secret',
      WEBHOOK_SECRET,
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(
      /Created integration 'Production Test' \([0-9a-f-]{36}\)/,
    );
    expect(result.stdout).toMatch(/acme-corp/);
    expect(result.stdout).not.toContain(backend.vendor.token);
    expect(result.stdout).not.toContain(WEBHOOK_SECRET);

    const stored = await hub.client.getIntegration('Production Test');
    expect(stored).toMatchObject({
      integration_type: 'test',
      sync_direction: 'bidirectional',
      credential_keys: ['token'],
      webhook_secret_count: 1,
    });
    integrationId = stored.id;
  });

  it('configure changes an existing integration addressed by name or id', async () => {
    const changed = await hub.imJson(
      'integration',
      'configure',
      'Production Test',
      '--direction',
      'outbound',
      '--conflict-strategy',
      'manual-review',
      '--rate-limit',
      '100',
      '--backoff-multiplier',
      '2',
      '--sync-escalations',
      'true',
      '--enabled',
      'false',
    );
    expect(changed).toMatchObject({
      id: integrationId,
      sync_direction: 'outbound',
      conflict_strategy: 'manual-review',
      rate_limit: 100,
      backoff_multiplier: 2,
      enabled: false,
      settings: { sync_escalations: true },
    });
    const back = await hub.imJson(
      'integration',
      'configure',
      integrationId,
      '--enabled',
      '--direction',
      'bidirectional',
      '--conflict-strategy',
      'last-write-wins',
    );
    expect(back).toMatchObject({
      enabled: true,
      sync_direction: 'bidirectional',
      conflict_strategy: 'last-write-wins',
      rate_limit: 100,
    });

    const table = await hub.im(
      'integration',
      'configure',
      'Production Test',
      '--sync-escalations',
      'false',
    );
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/Updated integration 'Production Test'/);
    expect(table.stdout).toMatch(/"sync_escalations":false/);
  });

  it('get shows an integration as a table and as the API object', async () => {
    const table = await hub.im('integration', 'get', 'Production Test');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/│ type\s+│ test\s+│/);
    expect(table.stdout).toMatch(/│ credentials\s+│ token\s+│/);
    expect(table.stdout).toContain(`/v1/webhooks/${integrationId}`);
    const json = await hub.imJson('integration', 'get', integrationId);
    expect(json).toEqual(await hub.client.getIntegration(integrationId));
  });

  it('list shows every integration', async () => {
    const table = await hub.im('integration', 'list');
    expect(table.stdout).toMatch(/Production Test/);
    const json = await hub.imJson('integration', 'list');
    expect(json.map((i: any) => i.id)).toContain(integrationId);
  });

  it('test reports connectivity, and exits 1 when the vendor refuses', async () => {
    const ok = await hub.im('integration', 'test', 'Production Test');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: Reached the test ticket server/);

    backend.vendor.failNext({ status: 503 });
    const failed = await hub.im(
      'integration',
      'test',
      'Production Test',
      '--format',
      'json',
    );
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({
      ok: false,
      integration_id: integrationId,
    });
  });

  it('field-ownership set and list', async () => {
    const set = await hub.im(
      'integration',
      'field-ownership',
      'set',
      'Production Test',
      'status',
      '--owner',
      'external',
      '--priority',
      '7',
    );
    expect(set).toMatchObject({
      code: 0,
      stdout: 'status is now owned by external (priority 7)\n',
    });
    const rule = await hub.imJson(
      'integration',
      'field-ownership',
      'set',
      'Production Test',
      'severity',
      '--owner',
      'platform',
      '--priority',
      '10',
    );
    expect(rule).toEqual({
      field: 'severity',
      owner: 'platform',
      priority: 10,
    });

    const list = await hub.imJson(
      'integration',
      'field-ownership',
      'list',
      'Production Test',
    );
    expect(list).toEqual(
      expect.arrayContaining([
        { field: 'status', owner: 'external', priority: 7 },
        { field: 'assigned_to', owner: 'external', priority: 5 },
      ]),
    );
    const table = await hub.im(
      'integration',
      'field-ownership',
      'list',
      integrationId,
    );
    expect(table.stdout).toMatch(/│ status\s+│ external\s+│ 7\s+│/);

    const deleted = await hub.im(
      'integration',
      'field-ownership',
      'delete',
      'Production Test',
      'status',
    );
    expect(deleted).toMatchObject({
      code: 0,
      stdout: 'status has no owner now: it flows both ways\n',
    });
    const left = await hub.imJson(
      'integration',
      'field-ownership',
      'list',
      'Production Test',
    );
    expect(left).not.toContainEqual(
      expect.objectContaining({ field: 'status' }),
    );
    const again = await hub.im(
      'integration',
      'field-ownership',
      'delete',
      'Production Test',
      'status',
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no ownership rule for 'status'/);

    const badField = await hub.im(
      'integration',
      'field-ownership',
      'set',
      'Production Test',
      'Not-A-Field',
      '--owner',
      'platform',
    );
    expect(badField.code).toBe(1);
    expect(badField.stderr).toMatch(
      /^im: Request rejected \(400\): Invalid field name/,
    );
  });

  it("service-mapping add keeps other settings and replaces a service's old mapping", async () => {
    await hub.im(
      'integration',
      'configure',
      'Production Test',
      '--sync-escalations',
      'true',
    );
    const first = await hub.im(
      'integration',
      'service-mapping',
      'add',
      'Production Test',
      '--pd-service',
      'P123ABC',
      '--incident-type',
      'infrastructure',
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /Mapped PagerDuty service P123ABC to incident type 'infrastructure'/,
    );
    await hub.im(
      'integration',
      'service-mapping',
      'add',
      'Production Test',
      '--pd-service',
      'P999XYZ',
      '--incident-type',
      'database',
    );
    const replaced = await hub.imJson(
      'integration',
      'service-mapping',
      'add',
      integrationId,
      '--pd-service',
      'P123ABC',
      '--incident-type',
      'network',
    );
    expect(replaced).toEqual([
      { pd_service: 'P999XYZ', incident_type: 'database' },
      { pd_service: 'P123ABC', incident_type: 'network' },
    ]);
    const stored = await hub.client.getIntegration(integrationId);
    expect(stored.settings).toEqual({
      sync_escalations: true,
      service_mappings: replaced,
    });
    const list = await hub.im(
      'integration',
      'service-mapping',
      'list',
      'Production Test',
    );
    expect(list.stdout).toMatch(/│ P123ABC\s+│ network\s+│/);
  });

  it('links lists incidents linked to tickets', async () => {
    const { incident, ticketId } =
      await hub.incidentWithTicket('Production Test');
    const links = await hub.imJson('integration', 'links', 'Production Test');
    expect(links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          incident_id: incident.id,
          external_id: ticketId,
        }),
      ]),
    );
    const table = await hub.im(
      'integration',
      'links',
      'Production Test',
      '--format',
      'table',
    );
    expect(table.stdout).toContain(incident.id);
    expect(table.stdout).toContain(ticketId);
  });

  it('sync-status shows health and the spec metrics', async () => {
    const status = await hub.imJson(
      'integration',
      'sync-status',
      'Production Test',
    );
    expect(status).toMatchObject({
      integration_id: integrationId,
      links: expect.any(Number),
    });
    expect(status.metrics.outbound_success).toBeGreaterThanOrEqual(1);
    const table = await hub.im('integration', 'sync-status', 'Production Test');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/│ health\s+│ \w+/);
    for (const metric of [
      'outbound_success',
      'outbound_failed',
      'inbound_success',
      'inbound_failed',
      'conflicts_detected',
      'conflicts_resolved',
      'drift_discrepancies',
    ]) {
      expect(table.stdout).toContain(metric);
    }
  });

  it('dlq lists failed syncs; dlq-retry and dlq-discard settle them', async () => {
    const failOneCreate = async (title: string) => {
      // A 400 is permanent: the create goes straight to the dead-letter queue.
      backend.vendor.failNext({ status: 400 });
      const incident = await hub.client.createIncident({
        title,
        severity: 'SEV-3',
        integrations: ['Production Test'],
      });
      return eventually(async () => {
        const entries = await hub.imJson(
          'integration',
          'dlq',
          'Production Test',
        );
        return entries.find(
          (e: any) => e.incident_id === incident.id && e.state === 'failed',
        );
      }, `a DLQ entry for ${title}`);
    };
    const toRetry = await failOneCreate('Needs a retry');
    expect(toRetry).toMatchObject({
      last_status: 400,
      attempts: expect.any(Number),
    });
    const table = await hub.im('integration', 'dlq', 'Production Test');
    expect(table.stdout).toContain(toRetry.id);

    const retried = await hub.im(
      'integration',
      'dlq-retry',
      'Production Test',
      toRetry.id,
    );
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(
      new RegExp(`Queued for retry: DLQ entry ${toRetry.id} .*now retried`),
    );
    await eventually(async () => {
      const view = await hub.client.getIncident(toRetry.incident_id);
      return view.links[0]?.external_id;
    }, 'the retried create to reach the vendor');

    const toDiscard = await failOneCreate('Give up on this');
    const discarded = await hub.imJson(
      'integration',
      'dlq-discard',
      integrationId,
      toDiscard.id,
    );
    expect(discarded).toMatchObject({ id: toDiscard.id, state: 'discarded' });
    const onlyDiscarded = await hub.imJson(
      'integration',
      'dlq',
      'Production Test',
      '--state',
      'discarded',
    );
    expect(onlyDiscarded.map((e: any) => e.id)).toEqual([toDiscard.id]);

    const again = await hub.im(
      'integration',
      'dlq-discard',
      'Production Test',
      toDiscard.id,
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^im: Not found \(404\): No failed DLQ entry/);
    expect(again.stderr).not.toMatch(STACK_FRAME);
  });
});
