import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Hub } from './__testUtils__/hub';
import { IM_TOKEN } from './__testUtils__/testBackend';
import { runIm } from './__testUtils__/runIm';
import {
  startVendorBackend,
  type VendorBackend,
} from './__testUtils__/vendorBackend';

jest.setTimeout(90_000);

/**
 * The real `im` against the real connector modules and their simulators: configure with
 * `--set` (secrets from the environment or stdin), test, and route an incident to it.
 */
describe('im integration configure, per connector type', () => {
  let backend: VendorBackend;
  let hub: Hub;
  let dir: string;

  const im = (
    args: string[],
    env: Record<string, string> = {},
    stdin?: string,
  ) => runIm(args, { IM_URL: backend.url, IM_TOKEN, ...env }, { stdin });

  async function expectTestPasses(name: string) {
    const tested = await im(['integration', 'test', name]);
    expect(tested.stderr).toBe('');
    expect(tested.stdout).toMatch(/^OK: /);
    expect(tested.code).toBe(0);
  }

  beforeAll(async () => {
    backend = await startVendorBackend();
    hub = new Hub(backend);
    dir = mkdtempSync(path.join(os.tmpdir(), 'im-configure-'));
  });
  afterAll(() => backend?.stop());

  it('servicenow: --set nested maps, the password from the environment, a ticket opened', async () => {
    const created = await im(
      [
        'integration',
        'configure',
        '--name',
        'snow-cli',
        '--type',
        'servicenow',
        '--org',
        'acme-corp',
        '--base-url',
        backend.serviceNow.baseUrl,
        '--username',
        backend.serviceNow.credentials.username!,
        '--credential-env',
        'password=SERVICENOW_PASSWORD',
        '--webhook-secret-env',
        'SERVICENOW_WEBHOOK_SECRET',
        '--set',
        'close_code=Solved (Permanently)',
        '--set',
        'severity_map.SEV-2.impact=2',
        '--set',
        'severity_map.SEV-2.urgency="1"',
        '--set',
        'page_size=50',
      ],
      {
        SERVICENOW_PASSWORD: backend.serviceNow.credentials.password!,
        SERVICENOW_WEBHOOK_SECRET: 'snow-cli-webhook-secret',
      },
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).not.toContain(
      backend.serviceNow.credentials.password!,
    );
    const integration = await hub.client.getIntegration('snow-cli');
    expect(integration.settings).toEqual({
      close_code: 'Solved (Permanently)',
      severity_map: { 'SEV-2': { impact: 2, urgency: '1' } },
      page_size: 50,
    });
    expect(integration.credential_keys).toEqual(['password', 'username']);
    expect(integration.webhook_secret_count).toBe(1);
    await expectTestPasses('snow-cli');

    const { ticketId } = await hub.incidentWithTicket('snow-cli');
    expect(backend.serviceNow.incident(ticketId)).toMatchObject({
      short_description: 'Checkout latency',
      impact: '2',
      urgency: '1',
    });
  });

  it('jira: project_key with --set, the API token from stdin, an issue opened', async () => {
    const missing = await im([
      'integration',
      'configure',
      '--name',
      'jira-cli',
      '--type',
      'jira',
      '--org',
      'acme-corp',
      '--base-url',
      backend.jira.baseUrl,
      '--email',
      backend.jira.credentials.email,
      '--credential',
      'api_token=not-used',
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/project_key/);

    const created = await im(
      [
        'integration',
        'configure',
        '--name',
        'jira-cli',
        '--type',
        'jira',
        '--org',
        'acme-corp',
        '--base-url',
        backend.jira.baseUrl,
        '--email',
        backend.jira.credentials.email,
        '--credential-stdin',
        'api_token',
        '--set',
        'project_key=OPS',
        '--set',
        'issue_type=Incident',
        '--set',
        'priority_map.SEV-2=Highest',
      ],
      {},
      `${backend.jira.credentials.api_token}\n`,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    await expectTestPasses('jira-cli');

    const { ticketId } = await hub.incidentWithTicket('jira-cli', 'Jira CLI');
    expect(backend.jira.store.get(ticketId)).toMatchObject({
      projectKey: 'OPS',
      summary: 'Jira CLI',
      issueType: 'Incident',
      priority: 'Highest',
    });
  });

  it("pagerduty: the guide's step 1 is refused naming from_email; with --set it opens an incident", async () => {
    const step1 = [
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
    ];
    const refused = await im(step1);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/settings\.from_email .*is required/);
    expect(refused.stderr).not.toContain(backend.pagerDuty.credentials.token);

    const created = await im([
      ...step1,
      '--set',
      'from_email=alice@example.com',
      '--set',
      'default_service_id=PSVC001',
      '--set',
      'service_mappings=[{"pd_service":"PSVC002","incident_type":"database"}]',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    await expectTestPasses('Production PagerDuty');

    const { ticketId } = await hub.incidentWithTicket(
      'Production PagerDuty',
      'PD CLI',
    );
    expect(backend.pagerDuty.incident(ticketId)).toMatchObject({
      title: 'PD CLI',
      service_id: 'PSVC001',
    });
  });

  it('itsm-webhook: templates from a YAML --settings-file, a status row with --set, a Jira-style ticket opened', async () => {
    const file = path.join(dir, 'itsm.yaml');
    writeFileSync(
      file,
      [
        '# The spec 004 drawer, as a file',
        'provider: Jira',
        'auth_type: basic',
        'create_method: POST',
        'create_url: /rest/api/3/issue',
        'create_payload:',
        '  fields:',
        '    project: { key: OPS }',
        '    issuetype: { name: Incident }',
        '    summary: "[$severity] $case_name"',
        'ticket_id_field: id',
        'ticket_key_field: key',
        'update_method: PUT',
        'update_url: /rest/api/3/issue/$ticket_id',
        'update_payload: \'{"fields": {"summary": "[$severity] $case_name"}}\'',
        'test_url: /rest/api/3/myself',
        'status_mapping:',
        '  To Do: open',
      ].join('\n'),
    );
    const created = await im(
      [
        'integration',
        'configure',
        '--name',
        'itsm-cli',
        '--type',
        'itsm-webhook',
        '--org',
        'acme-corp',
        '--base-url',
        backend.jira.baseUrl,
        '--username',
        backend.jira.credentials.email,
        '--credential-env',
        'password=ITSM_PASSWORD',
        '--settings-file',
        file,
        '--set',
        'status_mapping.Done=closed',
      ],
      { ITSM_PASSWORD: backend.jira.credentials.api_token },
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const integration = await hub.client.getIntegration('itsm-cli');
    expect(integration.settings.status_mapping).toEqual({
      'To Do': 'open',
      Done: 'closed',
    });
    await expectTestPasses('itsm-cli');

    const { incident, ticketId } = await hub.incidentWithTicket(
      'itsm-cli',
      'Webhook CLI',
    );
    expect(backend.jira.store.get(ticketId)).toMatchObject({
      summary: '[SEV-2] Webhook CLI',
    });
    expect(incident.links[0].external_key).toMatch(/^OPS-\d+$/);

    // A second one in the same organization is refused, pointing at the first.
    const second = await im(
      [
        'integration',
        'configure',
        '--name',
        'itsm-cli-2',
        '--type',
        'itsm-webhook',
        '--org',
        'acme-corp',
        '--base-url',
        backend.jira.baseUrl,
        '--credential-env',
        'password=ITSM_PASSWORD',
        '--username',
        'x',
        '--settings-file',
        file,
      ],
      { ITSM_PASSWORD: 'x' },
    );
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      /Only one itsm-webhook integration is allowed per organization: 'acme-corp' already has 'itsm-cli'/,
    );
  });

  it('a secret asked from an unset environment variable or an empty stdin is a usage error, and nothing is sent', async () => {
    const unset = await im([
      'integration',
      'configure',
      'snow-cli',
      '--credential-env',
      'password=NOT_SET_ANYWHERE',
    ]);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(
      /--credential-env: the environment variable NOT_SET_ANYWHERE is not set/,
    );
    const empty = await im(
      [
        'integration',
        'configure',
        'snow-cli',
        '--credential-stdin',
        'password',
      ],
      {},
      '',
    );
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/standard input is empty/);
    const badSet = await im([
      'integration',
      'configure',
      'snow-cli',
      '--set',
      'nokey',
    ]);
    expect(badSet.code).toBe(2);
    expect(badSet.stderr).toMatch(/--set takes key=value/);
  });

  it('im connector list and show describe every setting', async () => {
    const list = await im(['connector', 'list']);
    expect(list.code).toBe(0);
    for (const type of ['servicenow', 'jira', 'pagerduty', 'itsm-webhook'])
      expect(list.stdout).toContain(type);
    expect(list.stdout).toMatch(/from_email\*/);

    const show = await im(['connector', 'show', 'pagerduty']);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(
      /from_email.*for writes.*Email of a PagerDuty user/,
    );
    expect(show.stdout).toMatch(
      /default_service_id.*for writes \(or service_mappings\)/,
    );
    const webhook = await im(['connector', 'show', 'itsm-webhook']);
    expect(webhook.stdout).toMatch(/create_payload.*yes.*\$case_name/);
    expect(webhook.stdout).toMatch(/additional_headers.*secret/);

    const unknown = await im(['connector', 'show', 'remedy']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /No connector of type 'remedy' is installed; installed: /,
    );
  });
});
