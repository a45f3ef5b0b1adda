import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startBackend, type RunningBackend } from './__testUtils__/testBackend';
import { Hub } from './__testUtils__/hub';

jest.setTimeout(60_000);

describe('im routing (real binary against a running backend)', () => {
  let backend: RunningBackend;
  let hub: Hub;
  let rulesFile: string;

  beforeAll(async () => {
    backend = await startBackend({
      features: [
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'checkout',
                namespace: 'default',
                annotations: { 'pagerduty.com/service-id': 'PSVC002' },
              },
              spec: { type: 'service', owner: 'group:default/sre' },
            },
          ],
        }),
      ],
    });
    hub = new Hub(backend);
    await hub.client.createIntegration({
      name: 'Paging',
      integration_type: 'pagerduty',
      organization_id: 'acme-corp',
      base_url: backend.pagerDuty.baseUrl,
      credentials: { token: backend.pagerDuty.credentials.token },
      settings: {
        from_email: 'alice@example.com',
        default_service_id: 'PSVC001',
      },
    });
    for (const name of ['Routed Desk', 'Quiet Desk']) {
      await hub.client.createIntegration({
        name,
        integration_type: 'test',
        organization_id: 'acme-corp',
        base_url: backend.vendor.baseUrl,
        credentials: { token: backend.vendor.token },
      });
    }
    rulesFile = join(
      await mkdtemp(join(tmpdir(), 'im-routing-')),
      'rules.json',
    );
    await writeFile(
      rulesFile,
      JSON.stringify({
        rules: [
          { name: 'no sev4', when: { severity: ['SEV-4'] }, action: 'skip' },
          { name: 'databases', when: { incident_type: ['database'] } },
        ],
        default: 'skip',
      }),
    );
  });
  afterAll(() => backend?.stop());

  it("sets and shows an integration's rules", async () => {
    const set = await hub.im(
      'routing',
      'set',
      'Routed Desk',
      '--file',
      rulesFile,
    );
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toMatch(/no sev4[\s\S]*severity in SEV-4[\s\S]*skip/);
    expect(set.stdout).toMatch(
      /databases[\s\S]*incident_type in database[\s\S]*route/,
    );
    expect(set.stdout).toMatch(/When no rule matches: skip/);
    const shown = await hub.imJson('routing', 'show', 'Routed Desk');
    expect(shown.rules.map((r: any) => r.name)).toEqual([
      'no sev4',
      'databases',
    ]);
  });

  it('prints the same matches and reasons as the preview API', async () => {
    const fields = { severity: 'SEV-2', incident_type: 'database' } as const;
    const api = await hub.client.previewRouting({ incident: fields });
    expect(api.matches.map(m => [m.integration_name, m.explanation])).toEqual([
      ['Routed Desk', "rule 2 'databases' matched"],
    ]);

    const printed = await hub.im(
      'routing',
      'preview',
      '--severity',
      'SEV-2',
      '--incident-type',
      'database',
    );
    expect(printed).toMatchObject({ code: 0, stderr: '' });
    expect(printed.stdout).toMatch(/Entity: \(none\) \(catalog: none\)/);
    expect(printed.stdout).toMatch(
      /Routed Desk[\s\S]*test[\s\S]*rule 2 'databases' matched/,
    );
    expect(printed.stdout).not.toContain('Quiet Desk');
    expect(
      await hub.imJson(
        'routing',
        'preview',
        '--severity',
        'SEV-2',
        '--incident-type',
        'database',
      ),
    ).toEqual(api);

    const skipped = await hub.im(
      'routing',
      'preview',
      '--severity',
      'SEV-4',
      '--incident-type',
      'database',
    );
    expect(skipped.stdout).toMatch(/Routes to no integration\./);
    expect(skipped.stdout).toMatch(
      /Not Routed Desk: rule 1 'no sev4' skips it/,
    );
  });

  it("prints where an annotated entity's ticket opens, as the preview API says", async () => {
    const fields = {
      severity: 'SEV-2',
      entity_ref: 'component:default/checkout',
    } as const;
    const api = await hub.client.previewRouting({ incident: fields });
    expect(api.matches.map(m => [m.integration_name, m.target])).toEqual([
      ['Paging', { service_id: 'PSVC002' }],
    ]);
    const why =
      'annotation pagerduty.com/service-id=PSVC002 on component:default/checkout; ticket to service_id PSVC002 (pagerduty.com/service-id on component:default/checkout)';
    expect(api.matches[0].explanation).toBe(why);

    const args = [
      'routing',
      'preview',
      '--severity',
      'SEV-2',
      '--entity-ref',
      'component:default/checkout',
    ];
    const printed = await hub.im(...args);
    expect(printed).toMatchObject({ code: 0, stderr: '' });
    // The table may wrap a long reason: compare it with the whitespace folded.
    expect(printed.stdout.replace(/\s+/g, ' ')).toContain(
      why.replace(/\s+/g, ' '),
    );
    expect(await hub.imJson(...args)).toEqual(api);
  });

  it('previews a stored incident by id', async () => {
    const incident = await hub.client.createIncident({
      title: 'Replica lag',
      severity: 'SEV-3',
      incident_type: 'database',
    });
    expect(incident.links.map((l: any) => l.integration_name)).toEqual([
      'Routed Desk',
    ]);
    const preview = await hub.imJson(
      'routing',
      'preview',
      '--incident',
      incident.id,
    );
    expect(preview.matches.map((m: any) => m.integration_name)).toEqual([
      'Routed Desk',
    ]);
  });

  it('refuses a preview without an incident as a usage error', async () => {
    const result = await hub.im(
      'routing',
      'preview',
      '--entity-ref',
      'component:default/checkout',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--incident <id>, or --severity/);
  });

  it('refuses rules the hub rejects, naming the problem', async () => {
    const bad = join(rulesFile, '..', 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({ rules: [{ name: 'x', when: { colour: ['red'] } }] }),
    );
    const result = await hub.im('routing', 'set', 'Routed Desk', '--file', bad);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/rules\.0\.when/);
    expect(
      (await hub.imJson('routing', 'show', 'Routed Desk')).rules,
    ).toHaveLength(2);
  });
});
