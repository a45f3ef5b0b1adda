import {
  IM_TOKEN,
  startBackend,
  type RunningBackend,
} from './__testUtils__/testBackend';
import { Hub } from './__testUtils__/hub';
import { runIm } from './__testUtils__/runIm';

jest.setTimeout(60_000);

describe('im against a PagerDuty integration', () => {
  let backend: RunningBackend;
  let hub: Hub;

  beforeAll(async () => {
    backend = await startBackend();
    hub = new Hub(backend);
    // The PagerDuty guide's step 1, apart from the addresses, with the settings writes need.
    const created = await runIm(
      [
        'integration',
        'configure',
        '--name',
        'Production PagerDuty',
        '--type',
        'pagerduty',
        '--org',
        'acme-corp',
        '--base-url',
        backend.pagerDuty.baseUrl,
        '--direction',
        'bidirectional',
        '--token',
        backend.pagerDuty.credentials.token,
        '--set',
        'from_email=alice@example.com',
        '--set',
        'default_service_id=PSVC001',
      ],
      { IM_URL: backend.url, IM_TOKEN },
    );
    if (created.code !== 0)
      throw new Error(`configure failed: ${created.stderr}`);
  });
  afterAll(() => backend?.stop());

  it('oncall shows who is on call for a schedule', async () => {
    const table = await hub.im(
      'integration',
      'oncall',
      'Production PagerDuty',
      '--schedule-id',
      'PSCH002',
    );
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/Bob Ruiz|bob@example\.com/);
    const json = await hub.imJson(
      'integration',
      'oncall',
      'Production PagerDuty',
      '--schedule-id',
      'PSCH002',
    );
    expect(json).toMatchObject({
      schedule_id: 'PSCH002',
      items: [expect.objectContaining({ escalationLevel: 1 })],
    });
  });

  it('oncall explains a schedule id PagerDuty cannot have, and a connector without schedules', async () => {
    const bad = await hub.im(
      'integration',
      'oncall',
      'Production PagerDuty',
      '--schedule-id',
      'not an id',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^im: Request rejected \(400\): .*not a PagerDuty schedule id/,
    );
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);

    // Auth token before the subcommand: configure's own --token is the vendor's.
    const tickets = await runIm(
      [
        '--token',
        IM_TOKEN,
        'integration',
        'configure',
        '--name',
        'Tickets',
        '--type',
        'test',
        '--org',
        'acme-corp',
        '--base-url',
        backend.vendor.baseUrl,
        '--token',
        backend.vendor.token,
      ],
      { IM_URL: backend.url },
    );
    expect(tickets.code).toBe(0);
    const unsupported = await hub.im(
      'integration',
      'oncall',
      'Tickets',
      '--schedule-id',
      'PABC123',
    );
    expect(unsupported.code).toBe(1);
    expect(unsupported.stderr).toMatch(
      /^im: Request rejected \(400\): .*no on-call schedules/,
    );
  });

  it('sync-escalations and service-mapping add are stored and validated by the connector', async () => {
    const escalations = await hub.imJson(
      'integration',
      'configure',
      'Production PagerDuty',
      '--sync-escalations',
      'true',
    );
    expect(escalations.settings).toMatchObject({ sync_escalations: true });
    const mapped = await hub.im(
      'integration',
      'service-mapping',
      'add',
      'Production PagerDuty',
      '--pd-service',
      'P123ABC',
      '--incident-type',
      'infrastructure',
    );
    expect(mapped.code).toBe(0);
    const stored = await hub.client.getIntegration('Production PagerDuty');
    expect(stored.settings).toEqual({
      from_email: 'alice@example.com',
      default_service_id: 'PSVC001',
      sync_escalations: true,
      service_mappings: [
        { pd_service: 'P123ABC', incident_type: 'infrastructure' },
      ],
    });

    const rejected = await hub.im(
      'integration',
      'service-mapping',
      'add',
      'Production PagerDuty',
      '--pd-service',
      'lower-case',
      '--incident-type',
      'database',
    );
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(
      /^im: Request rejected \(400\): .*pd_service must be a PagerDuty service id/,
    );
    expect(
      (await hub.client.getIntegration('Production PagerDuty')).settings
        .service_mappings,
    ).toHaveLength(1);
  });

  it('rate limit and backoff multiplier', async () => {
    const changed = await hub.imJson(
      'integration',
      'configure',
      'Production PagerDuty',
      '--rate-limit',
      '100',
      '--backoff-multiplier',
      '2',
    );
    expect(changed).toMatchObject({ rate_limit: 100, backoff_multiplier: 2 });
  });
});
